using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudXpcs.Data.Detectors;

/// <summary>
/// Rigaku photon-counting files of APS 8-ID-I, as the beamline's correlator (boost_corr) reads them: little-endian
/// 64-bit records, one per non-zero pixel of a frame, frames in increasing order. Bits 40-63: frame index; bits 16-36:
/// pixel index (row-major in the 512 × 1024 module); bits 0-11: count. A 3M module file may number its pixels from
/// 2^20 (the module offset), which is removed. The Rigaku 3M is six such modules, 3 rows × 2 columns with gaps of
/// 70 rows and 52 columns between them.
/// </summary>
internal static class RigakuBinFile
{
    public const int ModuleRows = 512, ModuleCols = 1024;
    public const int GapRows = 70, GapCols = 52;
    public const int ModuleOffset = 1 << 20;
    // Module file number at each position of the 3 × 2 layout (row-major), as boost_corr places them.
    private static readonly int[] ModuleAtPosition = [5, 0, 4, 1, 3, 2];
    public const int Rows3M = 3 * ModuleRows + 2 * GapRows, Cols3M = 2 * ModuleCols + GapCols;

    /// <summary>A module's events: pixel indices (module offset removed) and counts, frame f at [Offsets[f], Offsets[f + 1]).</summary>
    private sealed record Module(string Path, int[] Offsets, int[] Pixel, int[] Count)
    {
        public int Frames => Offsets.Length - 1;
        public int Length => Offsets[^1];
    }

    public static SparseDetectorSource Read500k(string path)
    {
        var module = ReadModule(path);
        // One module's records are the events in order already: only frames listed out of pixel order are sorted.
        EventSpans.ForRanges(module.Frames, (start, end) => SortFrames(module.Path, module.Offsets, module.Pixel, module.Count, start, end));
        return new SparseDetectorSource(SparseDetectorSource.Rigaku500kFormat, ModuleRows, ModuleCols, module.Offsets, module.Pixel, module.Count);
    }

    public static SparseDetectorSource Read3M(IReadOnlyList<string> paths)
    {
        var files = new string?[6];
        if (paths.Count == 1 && paths[0].EndsWith(".bin.000", StringComparison.Ordinal))
            for (int m = 0; m < 6; m++) files[m] = paths[0][..^3] + $"00{m}";
        else if (paths.Count == 6)
            foreach (var p in paths)
            {
                int suffix = p.Length >= 8 && p[^8..^3] == ".bin." && int.TryParse(p[^3..], out int s) && s is >= 0 and < 6 ? s : -1;
                if (suffix < 0) throw new DataContractException(p, "a Rigaku 3M module file must end in .bin.000 .. .bin.005");
                if (files[suffix] is not null) throw new DataContractException(p, $"module {suffix} given twice");
                files[suffix] = p;
            }
        else
            throw new DataContractException(paths[0], $"a Rigaku 3M series is six module files .bin.000 .. .bin.005 (given {paths.Count})");
        var modules = files.Select(f => ReadModule(f!)).ToArray();
        int frames = modules.Max(m => m.Frames);
        var placed = new Module[6];
        var origin = new int[6];
        for (int position = 0; position < 6; position++)
        {
            placed[position] = modules[ModuleAtPosition[position]];
            origin[position] = position / 2 * (ModuleRows + GapRows) * Cols3M + position % 2 * (ModuleCols + GapCols);
        }
        var offsets = new int[frames + 1];
        long total = 0;
        for (int f = 0; f < frames; f++)
        {
            foreach (var module in placed)
                if (f < module.Frames) total += module.Offsets[f + 1] - module.Offsets[f];
            if (total > int.MaxValue) throw new DataContractException(placed[0].Path, "more than 2^31 events");
            offsets[f + 1] = (int)total;
        }
        var pixels = GC.AllocateUninitializedArray<int>((int)total);
        var counts = GC.AllocateUninitializedArray<int>((int)total);
        EventSpans.ForRanges(frames, (start, end) =>
        {
            for (int f = start; f < end; f++)
            {
                int e = offsets[f];
                for (int band = 0; band < 3; band++) e = MergeBand(placed, origin, 2 * band, f, pixels, counts, e);
            }
            return SortFrames(placed[0].Path, offsets, pixels, counts, start, end);
        });
        return new SparseDetectorSource(SparseDetectorSource.Rigaku3MFormat, Rows3M, Cols3M, offsets, pixels, counts);
    }

    /// <summary>
    /// Frame <paramref name="frame"/> of the two modules side by side from position <paramref name="left"/>, merged in
    /// detector order from event <paramref name="e"/> on (in order whenever each module lists its pixels in order; a
    /// frame that is not is sorted afterwards). Returns the event after the last written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MergeBand(Module[] placed, int[] origin, int left, int frame, int[] pixels, int[] counts, int e)
    {
        Module a = placed[left], b = placed[left + 1];
        int i = frame < a.Frames ? a.Offsets[frame] : 0, iEnd = frame < a.Frames ? a.Offsets[frame + 1] : 0;
        int j = frame < b.Frames ? b.Offsets[frame] : 0, jEnd = frame < b.Frames ? b.Offsets[frame + 1] : 0;
        static int Place(int origin, int p) => origin + p / ModuleCols * Cols3M + p % ModuleCols;
        int pa = i < iEnd ? Place(origin[left], a.Pixel[i]) : 0, pb = j < jEnd ? Place(origin[left + 1], b.Pixel[j]) : 0;
        while (i < iEnd && j < jEnd)
        {
            if (pa < pb)
            {
                (pixels[e], counts[e++]) = (pa, a.Count[i]);
                if (++i < iEnd) pa = Place(origin[left], a.Pixel[i]);
            }
            else
            {
                (pixels[e], counts[e++]) = (pb, b.Count[j]);
                if (++j < jEnd) pb = Place(origin[left + 1], b.Pixel[j]);
            }
        }
        for (; i < iEnd; i++, e++) (pixels[e], counts[e]) = (Place(origin[left], a.Pixel[i]), a.Count[i]);
        for (; j < jEnd; j++, e++) (pixels[e], counts[e]) = (Place(origin[left + 1], b.Pixel[j]), b.Count[j]);
        return e;
    }

    /// <summary>Sorts frames [start, end) whose pixels do not increase; the first pixel listed twice is a fault.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int At, Exception Fault)? SortFrames(string path, int[] offsets, int[] pixels, int[] counts, int start, int end)
    {
        for (int f = start; f < end; f++)
        {
            int first = offsets[f], length = offsets[f + 1] - first;
            if (EventSpans.IncreaseStrictly(pixels.AsSpan(first, length))) continue;
            Array.Sort(pixels, counts, first, length);
            for (int e = first + 1; e < first + length; e++)
                if (pixels[e] == pixels[e - 1])
                    return (f, new DataContractException(path, $"frame {f}: pixel {pixels[e]} is listed twice"));
        }
        return null;
    }

    /// <summary>
    /// Decodes a module file in parallel over record ranges. Frames do not decrease, so frame f's events start at the
    /// record where the frame field first reaches f: each range writes the offsets of the frames that start in it.
    /// </summary>
    private static Module ReadModule(string path)
    {
        long length = FileLength(path);
        if (length == 0) throw new DataContractException(path, "empty Rigaku .bin file (no records)");
        if (length % 8 != 0) throw new DataContractException(path, $"truncated: {length} bytes is not a whole number of 8-byte records");
        if (length / 8 > int.MaxValue) throw new DataContractException(path, "more than 2^31 records");
        int records = (int)(length / 8);
        using var file = DetectorFileHandle.Open(path);
        var last = new byte[8];
        file.ReadExactly(last, length - 8);
        int frames = (int)(BinaryPrimitives.ReadUInt64LittleEndian(last) >> 40) + 1;
        var offsets = new int[frames + 1];
        offsets[frames] = records;
        var pixel = GC.AllocateUninitializedArray<int>(records);
        var count = GC.AllocateUninitializedArray<int>(records);
        int minPixel = int.MaxValue, maxPixel = 0;
        var gate = new object();
        EventSpans.ForRanges(records, (start, end) =>
        {
            var fault = DecodeRecords(file, start, end, offsets, pixel, count, out int low, out int high);
            lock (gate) (minPixel, maxPixel) = (Math.Min(minPixel, low), Math.Max(maxPixel, high));
            return fault;
        });
        int shift = minPixel >= ModuleOffset ? ModuleOffset : 0;
        if (maxPixel - shift >= ModuleRows * ModuleCols)
            for (int i = 0; i < records; i++)
                if (pixel[i] - shift >= ModuleRows * ModuleCols)
                    throw new DataContractException(path, $"record {i}: pixel index {pixel[i]} is outside the {ModuleRows} x {ModuleCols} module");
        if (shift != 0)
            EventSpans.ForRanges(records, (start, end) =>
            {
                for (int i = start; i < end; i++) pixel[i] -= shift;
                return null;
            });
        return new Module(path, offsets, pixel, count);
    }

    /// <summary>Records [start, end): pixel indices (as in the file) and counts, and the offsets of the frames that start there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int At, Exception Fault)? DecodeRecords(DetectorFileHandle file, int start, int end, int[] offsets, int[] pixel, int[] count,
        out int low, out int high)
    {
        const int PieceRecords = 1 << 16;
        int frames = offsets.Length - 1;
        (low, high) = (int.MaxValue, 0);
        var buffer = DetectorFileHandle.Grow(null, 8L * (PieceRecords + 1));
        try
        {
            // Each piece is read with the record before it (the frame to compare with); the first record follows frame -1.
            for (int piece = start; piece < end; piece += PieceRecords)
            {
                int n = Math.Min(PieceRecords, end - piece), from = piece == 0 ? 0 : piece - 1;
                var bytes = buffer.AsSpan(0, 8 * (piece + n - from));
                file.ReadExactly(bytes, 8L * from);
                var record = MemoryMarshal.Cast<byte, ulong>(bytes);
                long previous = piece == 0 ? -1 : (long)(record[0] >> 40);
                record = record[(piece - from)..];
                for (int i = 0; i < n; i++)
                {
                    ulong a = record[i];
                    long frame = (long)(a >> 40);
                    if (frame != previous)
                    {
                        int r = piece + i;
                        if (frame < previous)
                            return (r, new DataContractException(file.Path, $"record {r}: frame {frame} after frame {previous} (frames must not decrease)"));
                        // A frame beyond the last record's can only come before a decrease, which some range reports.
                        for (long f = previous + 1; f <= Math.Min(frame, frames); f++) offsets[f] = r;
                        previous = frame;
                    }
                    int p = (int)((a >> 16) & ((1UL << 21) - 1));
                    pixel[piece + i] = p;
                    count[piece + i] = (int)(a & 0xFFF);
                    low = Math.Min(low, p);
                    high = Math.Max(high, p);
                }
            }
            return null;
        }
        finally
        {
            DetectorFileHandle.Return(buffer);
        }
    }

    internal static long FileLength(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataContractException(path, "file not found");
        return info.Length;
    }
}
