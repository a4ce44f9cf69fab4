using System.Buffers.Binary;
using K4os.Compression.LZ4;
using PureHDF.Filters;

namespace CloudXpcs.Data.Hdf5.Filters;

/// <summary>
/// Decoder of the bitshuffle HDF5 filter (32008) that Eiger detectors write, plain or with LZ4 or Zstd compression.
/// Parameters: version (2), element size, block size, compression (0 none, 2 LZ4, 3 Zstd). A compressed chunk starts
/// with its plain size (uint64, big-endian) and block size in bytes (uint32, big-endian), then each block as its
/// compressed size (uint32, big-endian) and data; the elements after the last whole multiple of 8 are stored as is.
/// </summary>
public sealed class BitshuffleFilter : IH5Filter
{
    public const ushort Id = 32008;
    private const int DefaultBlockBytes = 8192;

    public ushort FilterId => Id;
    public string Name => "bitshuffle";

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress)) throw new NotSupportedException("CloudXpcs writes no bitshuffle data");
        var p = info.Parameters;
        if (p is null || p.Length < 3 || p[2] == 0 || p[2] > 256) throw new InvalidDataException("bitshuffle filter without a valid element size parameter");
        int elementBytes = (int)p[2];
        uint compression = p.Length > 4 ? p[4] : 0;
        var input = info.Buffer.Span;
        if (compression == 0)
        {
            var plain = new byte[input.Length];
            int blockElements = p.Length > 3 && p[3] > 0 ? (int)p[3] : DefaultBlockElements(elementBytes);
            Unshuffle(input, plain, elementBytes, blockElements, decode: null);
            return plain;
        }
        if (compression is not (2 or 3)) throw new InvalidDataException($"bitshuffle compression {compression} is not supported (0 none, 2 LZ4, 3 Zstd)");
        if (input.Length < 12) throw new InvalidDataException("corrupt bitshuffle chunk (header)");
        long total = checked((long)BinaryPrimitives.ReadUInt64BigEndian(input));
        long blockBytes = BinaryPrimitives.ReadUInt32BigEndian(input[8..]);
        if (total > int.MaxValue || total > (long)info.ChunkSize * 2 + 1024 || blockBytes == 0 || blockBytes % (8L * elementBytes) != 0)
            throw new InvalidDataException($"corrupt bitshuffle chunk (declares {total} bytes in blocks of {blockBytes})");
        var output = new byte[total];
        var blocks = input[12..];
        if (compression == 2) Unshuffle(blocks, output, elementBytes, (int)(blockBytes / elementBytes), Lz4Block);
        else
        {
            using var zstd = new ZstdSharp.Decompressor();
            Unshuffle(blocks, output, elementBytes, (int)(blockBytes / elementBytes), (src, dst) => zstd.Unwrap(src, dst));
        }
        return output;
    }

    private static int Lz4Block(ReadOnlySpan<byte> src, Span<byte> dst) => LZ4Codec.Decode(src, dst);

    private delegate int BlockDecoder(ReadOnlySpan<byte> source, Span<byte> destination);

    /// <summary>Like bitshuffle's own default: about 8 KiB per block, a multiple of 8 elements, at least 128.</summary>
    private static int DefaultBlockElements(int elementBytes) => Math.Max(128, DefaultBlockBytes / elementBytes / 8 * 8);

    /// <summary>Decodes the blocks of <paramref name="input"/> into <paramref name="output"/>; without a decoder (no compression) blocks have no size prefixes.</summary>
    private static void Unshuffle(ReadOnlySpan<byte> input, Span<byte> output, int elementBytes, int blockElements, BlockDecoder? decode)
    {
        int elements = output.Length / elementBytes;
        var scratch = new byte[blockElements * elementBytes];
        int ip = 0, element = 0;
        while (elements - element >= 8)
        {
            int count = Math.Min(blockElements, elements - element) / 8 * 8;
            int bytes = count * elementBytes;
            ReadOnlySpan<byte> shuffled;
            if (decode is not null)
            {
                if (ip + 4 > input.Length) throw new InvalidDataException("corrupt bitshuffle chunk (truncated)");
                int compressed = checked((int)BinaryPrimitives.ReadUInt32BigEndian(input[ip..]));
                ip += 4;
                if (compressed < 0 || ip + compressed > input.Length) throw new InvalidDataException("corrupt bitshuffle chunk (block size)");
                if (decode(input.Slice(ip, compressed), scratch.AsSpan(0, bytes)) != bytes) throw new InvalidDataException("corrupt bitshuffle chunk (block)");
                ip += compressed;
                shuffled = scratch.AsSpan(0, bytes);
            }
            else
            {
                shuffled = input.Slice(ip, bytes);
                ip += bytes;
            }
            BitTranspose.BitUnshuffle(shuffled, output.Slice(element * elementBytes, bytes), count, elementBytes);
            element += count;
        }
        int rest = output.Length - element * elementBytes;
        if (ip + rest > input.Length) throw new InvalidDataException("corrupt bitshuffle chunk (trailing elements)");
        input.Slice(ip, rest).CopyTo(output[(element * elementBytes)..]);
    }

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException("CloudXpcs writes no bitshuffle data");
}
