using System.Buffers.Binary;
using K4os.Compression.LZ4;
using PureHDF.Filters;

namespace CloudXpcs.Data.Hdf5.Filters;

/// <summary>
/// Decoder of the HDF5 LZ4 filter (32004, the nexusformat plugin Dectris detectors use). Stream: the uncompressed
/// size (uint64, big-endian) and the block size (uint32, big-endian), then per block its compressed size (uint32,
/// big-endian) and an LZ4 block; a block whose compressed size equals its plain size is stored as is.
/// </summary>
public sealed class Lz4HdfFilter : IH5Filter
{
    public const ushort Id = 32004;

    public ushort FilterId => Id;
    public string Name => "lz4";

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress)) throw new NotSupportedException("CloudXpcs writes no LZ4-compressed data");
        var input = info.Buffer.Span;
        if (input.Length < 12) throw new InvalidDataException("corrupt LZ4 chunk (header)");
        long total = checked((long)BinaryPrimitives.ReadUInt64BigEndian(input));
        int blockSize = checked((int)BinaryPrimitives.ReadUInt32BigEndian(input[8..]));
        if (total > int.MaxValue || total > (long)info.ChunkSize * 2 + 1024 || blockSize <= 0 && total > 0)
            throw new InvalidDataException($"corrupt LZ4 chunk (declares {total} bytes in blocks of {blockSize})");
        var output = new byte[total];
        int ip = 12, op = 0;
        while (op < output.Length)
        {
            int plain = Math.Min(blockSize, output.Length - op);
            if (ip + 4 > input.Length) throw new InvalidDataException("corrupt LZ4 chunk (truncated)");
            int compressed = checked((int)BinaryPrimitives.ReadUInt32BigEndian(input[ip..]));
            ip += 4;
            if (compressed < 0 || ip + compressed > input.Length) throw new InvalidDataException("corrupt LZ4 chunk (block size)");
            var block = input.Slice(ip, compressed);
            if (compressed == plain) block.CopyTo(output.AsSpan(op));
            else if (LZ4Codec.Decode(block, output.AsSpan(op, plain)) != plain) throw new InvalidDataException("corrupt LZ4 chunk (block)");
            ip += compressed;
            op += plain;
        }
        return output;
    }

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException("CloudXpcs writes no LZ4-compressed data");
}
