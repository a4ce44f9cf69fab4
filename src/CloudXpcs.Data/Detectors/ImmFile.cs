using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudXpcs.Data.Detectors;

/// <summary>
/// Legacy IMM files of APS 8-ID-I, as the beamline's correlator (boost_corr) reads them: every frame is a 1024-byte
/// little-endian header followed by its payload. Header fields used: compression (int32 at byte 4; 6 = sparse),
/// rows (int32 at 108), cols (int32 at 112), dlen (uint32 at 152, the number of payload elements). A dense frame's
/// payload is dlen = rows·cols uint16 counts; a sparse frame's is dlen int32 pixel indices followed by dlen 16-bit
/// counts. The first header decides dense or sparse and the frame size for the whole file.
/// One walk over the headers places every frame, then the payloads are read and decoded straight into the event
/// arrays in parallel over frame ranges. Faults are reported as a frame-by-frame reading meets them first.
/// </summary>
internal static class ImmFile
{
    public const int HeaderBytes = 1024;
    public const int SparseCompression = 6;
    private const int CompressionOffset = 4, RowsOffset = 108, ColsOffset = 112, DlenOffset = 152;

    public static SparseDetectorSource Read(string path)
    {
        long length = RigakuBinFile.FileLength(path);
        if (length < HeaderBytes) throw new DataContractException(path, $"truncated: {length} bytes, shorter than one 1024-byte IMM header");
        using var file = DetectorFileHandle.Open(path);
        var layout = WalkHeaders(file, length);
        int[] offsets, pixels, counts;
        if (layout.Sparse)
        {
            offsets = layout.EventOffsets;
            pixels = GC.AllocateUninitializedArray<int>(offsets[layout.Frames]);
            counts = GC.AllocateUninitializedArray<int>(offsets[layout.Frames]);
            var (p, c) = (pixels, counts);
            EventSpans.ForRanges(layout.Frames, (start, end) => DecodeSparse(file, layout, start, end, p, c));
        }
        else (offsets, pixels, counts) = DecodeDense(file, layout);
        if (layout.HeaderFault is { } fault) throw fault;
        return new SparseDetectorSource(SparseDetectorSource.ImmFormat, layout.Rows, layout.Cols, offsets, pixels, counts);
    }

    /// <summary>
    /// The frames' places in the file, up to the first header fault (kept in <see cref="HeaderFault"/>: a payload fault of
    /// an earlier frame is reported before it). For sparse files, EventOffsets has Frames + 1 entries.
    /// </summary>
    private sealed record Layout(int Rows, int Cols, bool Sparse, int Frames, long[] PayloadAt, int[] EventOffsets, DataContractException? HeaderFault);

    private static Layout WalkHeaders(DetectorFileHandle file, long length)
    {
        string path = file.Path;
        long at = 0;
        var header = new byte[HeaderBytes];
        var payloadAt = new List<long>();
        var eventOffsets = new List<int> { 0 };
        int rows = 0, cols = 0;
        bool sparse = false;
        long events = 0;
        DataContractException? fault = null;
        for (int frame = 0; at < length; frame++)
        {
            if (length - at < HeaderBytes)
            {
                fault = new DataContractException(path, $"frame {frame}: truncated header ({length - at} of 1024 bytes)");
                break;
            }
            file.ReadExactly(header, at);
            at += HeaderBytes;
            int compression = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(CompressionOffset));
            int frameRows = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(RowsOffset));
            int frameCols = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(ColsOffset));
            uint dlen = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(DlenOffset));
            if (frame == 0)
            {
                (rows, cols, sparse) = (frameRows, frameCols, compression == SparseCompression);
                if (rows < 1 || cols < 1 || (long)rows * cols > int.MaxValue)
                    throw new DataContractException(path, $"header: detector of {rows} x {cols} pixels");
            }
            else if (frameRows != rows || frameCols != cols || (compression == SparseCompression) != sparse)
            {
                fault = new DataContractException(path, $"frame {frame}: header says {frameRows} x {frameCols} {(compression == SparseCompression ? "sparse" : "dense")}, "
                    + $"the first frame {rows} x {cols} {(sparse ? "sparse" : "dense")}");
                break;
            }
            int pixels = rows * cols;
            if (sparse ? dlen > pixels : dlen != pixels)
            {
                fault = new DataContractException(path, $"frame {frame}: dlen {dlen} does not fit a {(sparse ? "sparse" : "dense")} {rows} x {cols} frame");
                break;
            }
            long payloadBytes = (long)dlen * (sparse ? 6 : 2);
            if (length - at < payloadBytes)
            {
                fault = new DataContractException(path, $"frame {frame}: truncated payload ({length - at} of {payloadBytes} bytes)");
                break;
            }
            if (sparse && (events += dlen) > int.MaxValue)
            {
                fault = new DataContractException(path, "more than 2^31 events");
                break;
            }
            payloadAt.Add(at);
            if (sparse) eventOffsets.Add((int)events);
            at += payloadBytes;
        }
        return new Layout(rows, cols, sparse, payloadAt.Count, payloadAt.ToArray(), eventOffsets.ToArray(), fault);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int At, Exception Fault)? DecodeSparse(DetectorFileHandle file, Layout layout, int start, int end, int[] pixels, int[] counts)
    {
        int perFrame = layout.Rows * layout.Cols;
        byte[]? buffer = null;
        try
        {
            for (int frame = start; frame < end; frame++)
            {
                int first = layout.EventOffsets[frame], dlen = layout.EventOffsets[frame + 1] - first;
                buffer = DetectorFileHandle.Grow(buffer, 6L * dlen);
                file.ReadExactly(buffer.AsSpan(0, 6 * dlen), layout.PayloadAt[frame]);
                var framePixels = pixels.AsSpan(first, dlen);
                MemoryMarshal.Cast<byte, int>(buffer.AsSpan(0, 4 * dlen)).CopyTo(framePixels);
                EventSpans.Widen(MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan(4 * dlen, 2 * dlen)), counts.AsSpan(first, dlen));
                if (EventSpans.FirstOutside(framePixels, perFrame) is var outside and >= 0)
                    return (frame, new DataContractException(file.Path, $"frame {frame}: pixel index {framePixels[outside]} is outside the {perFrame}-pixel frame"));
                if (EventSpans.IncreaseStrictly(framePixels)) continue;
                Array.Sort(pixels, counts, first, dlen);
                for (int e = first + 1; e < first + dlen; e++)
                    if (pixels[e] == pixels[e - 1])
                        return (frame, new DataContractException(file.Path, $"frame {frame}: pixel {pixels[e]} is listed twice"));
            }
            return null;
        }
        finally
        {
            DetectorFileHandle.Return(buffer);
        }
    }

    /// <summary>Dense frames: their non-zero pixels counted in one parallel pass, then written in a second.</summary>
    private static (int[] Offsets, int[] Pixels, int[] Counts) DecodeDense(DetectorFileHandle file, Layout layout)
    {
        int perFrame = layout.Rows * layout.Cols, frames = layout.Frames;
        var offsets = new int[frames + 1];
        EventSpans.ForRanges(frames, (start, end) =>
        {
            var buffer = DetectorFileHandle.Grow(null, 2L * perFrame);
            for (int frame = start; frame < end; frame++)
            {
                file.ReadExactly(buffer.AsSpan(0, 2 * perFrame), layout.PayloadAt[frame]);
                offsets[frame + 1] = CountNonZero(MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan(0, 2 * perFrame)));
            }
            DetectorFileHandle.Return(buffer);
            return null;
        });
        long total = 0;
        for (int frame = 0; frame < frames; frame++)
        {
            total += offsets[frame + 1];
            if (total > int.MaxValue) throw new DataContractException(file.Path, "more than 2^31 events");
            offsets[frame + 1] = (int)total;
        }
        var pixels = GC.AllocateUninitializedArray<int>((int)total);
        var counts = GC.AllocateUninitializedArray<int>((int)total);
        EventSpans.ForRanges(frames, (start, end) =>
        {
            var buffer = DetectorFileHandle.Grow(null, 2L * perFrame);
            for (int frame = start; frame < end; frame++)
            {
                file.ReadExactly(buffer.AsSpan(0, 2 * perFrame), layout.PayloadAt[frame]);
                var values = MemoryMarshal.Cast<byte, ushort>(buffer.AsSpan(0, 2 * perFrame));
                int e = offsets[frame];
                for (int p = values.IndexOfAnyExcept((ushort)0); p >= 0; p = NextNonZero(values, p + 1))
                {
                    pixels[e] = p;
                    counts[e++] = values[p];
                }
            }
            DetectorFileHandle.Return(buffer);
            return null;
        });
        return (offsets, pixels, counts);
    }

    private static int NextNonZero(ReadOnlySpan<ushort> values, int from)
    {
        int next = values[from..].IndexOfAnyExcept((ushort)0);
        return next < 0 ? -1 : from + next;
    }

    private static int CountNonZero(ReadOnlySpan<ushort> values) => values.Length - values.Count((ushort)0);
}
