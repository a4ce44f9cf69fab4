using PureHDF.Filters;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Decoder of h5py's LZF filter (HDF5 filter 32000), which the APS 8-ID-I correlator uses for its result files.
/// LZF stream: a control byte c; c &lt; 32 is a literal run of c+1 bytes; otherwise a back-reference of length
/// (c &gt;&gt; 5) + 2 (7 means: add the next byte) at distance ((c &amp; 31) &lt;&lt; 8) + next byte + 1. Decoding only.
/// </summary>
public sealed class LzfFilter : IH5Filter
{
    public const ushort Id = 32000;
    private static readonly Lazy<bool> Registration = new(() => { H5Filter.Register(new LzfFilter()); return true; });

    public ushort FilterId => Id;
    public string Name => "lzf";

    /// <summary>Registers the decoder with PureHDF once per process.</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    public Memory<byte> Filter(FilterInfo info)
    {
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress)) throw new NotSupportedException("CloudXpcs writes no LZF-compressed data");
        // h5py stores the uncompressed chunk size as the third filter parameter.
        int size = info.Parameters is { Length: >= 3 } p && p[2] > 0 ? (int)p[2] : info.ChunkSize;
        // h5py stores a chunk that LZF cannot shrink uncompressed (the filter is skipped for it); PureHDF 2.2 still
        // hands it to the filter, so a buffer of exactly the chunk's size is that raw chunk.
        if (info.Buffer.Length == size) return info.Buffer.ToArray(); // a copy: the input buffer may be reused for the next chunk
        return Decompress(info.Buffer.Span, size);
    }

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException("CloudXpcs writes no LZF-compressed data");

    public static byte[] Decompress(ReadOnlySpan<byte> input, int outputSize)
    {
        var output = new byte[outputSize];
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (ip + run > input.Length || op + run > output.Length) throw new InvalidDataException("corrupt LZF data (literal run)");
                input.Slice(ip, run).CopyTo(output.AsSpan(op));
                ip += run;
                op += run;
                continue;
            }
            int length = ctrl >> 5;
            if (length == 7)
            {
                if (ip >= input.Length) throw new InvalidDataException("corrupt LZF data (length)");
                length += input[ip++];
            }
            if (ip >= input.Length) throw new InvalidDataException("corrupt LZF data (offset)");
            int reference = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
            length += 2;
            if (reference < 0 || op + length > output.Length) throw new InvalidDataException("corrupt LZF data (back-reference)");
            for (int i = 0; i < length; i++) output[op++] = output[reference++];
        }
        if (op != output.Length) throw new InvalidDataException($"corrupt LZF data ({op} bytes decoded, {output.Length} expected)");
        return output;
    }
}
