using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using PureHDF.Filters;

namespace CloudXpcs.Data.Hdf5.Filters;

/// <summary>
/// Decoder of the Blosc HDF5 filter (32001) for Blosc 1 chunks with the inner codecs LZ4, LZ4HC, Zstd and zlib
/// (BloscLZ and Snappy are refused by name). Chunk: a 16-byte header (version, codec version, flags, type size,
/// then little-endian plain bytes, block size, compressed bytes); flag 0x02 = stored as is, else one offset per
/// block and per block one or type-size splits, each its compressed size (little-endian) and data (stored as is when
/// that size equals the split's plain size); then the block's byte shuffle (flag 0x01) or bit shuffle (0x04) is undone.
/// </summary>
public sealed class BloscFilter : IH5Filter
{
    public const ushort Id = 32001;
    private const int HeaderBytes = 16;
    private const int MaxSplits = 16;
    private const int MinSplitBytes = 128;

    public ushort FilterId => Id;
    public string Name => "blosc";

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress)) throw new NotSupportedException("CloudXpcs writes no Blosc data");
        var input = info.Buffer.Span;
        if (input.Length < HeaderBytes) throw new InvalidDataException("corrupt Blosc chunk (header)");
        byte version = input[0];
        if (version is 0 or > 2) throw new InvalidDataException($"Blosc format version {version} is not supported (Blosc 1 chunks)");
        int flags = input[2];
        int typeSize = Math.Max((int)input[3], 1);
        int total = BinaryPrimitives.ReadInt32LittleEndian(input[4..]);
        int blockSize = BinaryPrimitives.ReadInt32LittleEndian(input[8..]);
        int compressedTotal = BinaryPrimitives.ReadInt32LittleEndian(input[12..]);
        if (total < 0 || (long)total > (long)info.ChunkSize * 2 + 1024 || compressedTotal > input.Length || (total > 0 && blockSize <= 0))
            throw new InvalidDataException($"corrupt Blosc chunk (declares {total} bytes in blocks of {blockSize})");
        var output = new byte[total];
        if ((flags & 0x02) != 0)
        {
            if (HeaderBytes + total > input.Length) throw new InvalidDataException("corrupt Blosc chunk (truncated)");
            input.Slice(HeaderBytes, total).CopyTo(output);
            return output;
        }
        int codec = flags >> 5;
        using var zstd = codec == 4 ? new ZstdSharp.Decompressor() : null;
        int blocks = total / blockSize + (total % blockSize > 0 ? 1 : 0);
        var scratch = new byte[blockSize];
        for (int b = 0; b < blocks; b++)
        {
            bool leftover = b == blocks - 1 && total % blockSize > 0;
            int size = leftover ? total % blockSize : blockSize;
            int start = BinaryPrimitives.ReadInt32LittleEndian(input[(HeaderBytes + 4 * b)..]);
            bool split = (flags & 0x10) == 0 && typeSize <= MaxSplits && blockSize / typeSize >= MinSplitBytes && !leftover;
            int splits = split ? typeSize : 1;
            int splitBytes = size / splits;
            int ip = start;
            for (int s = 0; s < splits; s++)
            {
                if (ip < 0 || ip + 4 > input.Length) throw new InvalidDataException("corrupt Blosc chunk (block offset)");
                int compressed = BinaryPrimitives.ReadInt32LittleEndian(input[ip..]);
                ip += 4;
                if (compressed < 0 || ip + compressed > input.Length) throw new InvalidDataException("corrupt Blosc chunk (split size)");
                var source = input.Slice(ip, compressed);
                var target = scratch.AsSpan(s * splitBytes, splitBytes);
                if (compressed == splitBytes) source.CopyTo(target);
                else if (Decode(codec, zstd, source, target) != splitBytes) throw new InvalidDataException("corrupt Blosc chunk (split)");
                ip += compressed;
            }
            var plain = scratch.AsSpan(0, size);
            var destination = output.AsSpan(b * blockSize, size);
            if ((flags & 0x01) != 0 && typeSize > 1) BitTranspose.ByteUnshuffle(plain, destination, typeSize);
            else if ((flags & 0x04) != 0 && (size / typeSize) % 8 == 0) BitTranspose.BitUnshuffle(plain, destination, size / typeSize, typeSize);
            else plain.CopyTo(destination);
        }
        return output;
    }

    private static int Decode(int codec, ZstdSharp.Decompressor? zstd, ReadOnlySpan<byte> source, Span<byte> target)
    {
        switch (codec)
        {
            case 1: return LZ4Codec.Decode(source, target);
            case 4: return zstd!.Unwrap(source, target);
            case 3:
                unsafe
                {
                    fixed (byte* p = source)
                    {
                        using var stream = new ZLibStream(new UnmanagedMemoryStream(p, source.Length), CompressionMode.Decompress);
                        int read = 0;
                        while (read < target.Length)
                        {
                            int n = stream.Read(target[read..]);
                            if (n == 0) break;
                            read += n;
                        }
                        return read;
                    }
                }
            default:
                throw new InvalidDataException($"Blosc inner codec {CodecName(codec)} is not supported (LZ4, LZ4HC, Zstd and zlib are)");
        }
    }

    private static string CodecName(int codec) => codec switch { 0 => "BloscLZ", 2 => "Snappy", _ => $"#{codec}" };

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException("CloudXpcs writes no Blosc data");
}
