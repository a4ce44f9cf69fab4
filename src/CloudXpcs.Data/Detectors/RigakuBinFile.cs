using System.Buffers.Binary;

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

    private sealed record Module(string Path, int[] Frame, int[] Pixel, int[] Count, int Length)
    {
        public int Frames => Length == 0 ? 0 : Frame[Length - 1] + 1;
    }

    public static SparseDetectorSource Read500k(string path)
    {
        var module = ReadModule(path);
        return Assemble(SparseDetectorSource.Rigaku500kFormat, ModuleRows, ModuleCols, [module], module.Frames, (_, p) => p);
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
        return Assemble(SparseDetectorSource.Rigaku3MFormat, Rows3M, Cols3M, placed, frames,
            (position, p) => origin[position] + p / ModuleCols * Cols3M + p % ModuleCols);
    }

    private static SparseDetectorSource Assemble(string format, int rows, int cols, Module[] modules, int frames, Func<int, int, int> place)
    {
        var offsets = new int[frames + 1];
        var events = new EventListBuilder(Math.Max(16, modules.Sum(m => m.Length)));
        var cursor = new int[modules.Length];
        for (int f = 0; f < frames; f++)
        {
            int start = events.Count;
            bool sorted = true;
            for (int m = 0; m < modules.Length; m++)
            {
                var module = modules[m];
                for (; cursor[m] < module.Length && module.Frame[cursor[m]] == f; cursor[m]++)
                {
                    int pixel = place(m, module.Pixel[cursor[m]]);
                    sorted &= events.Count == start || pixel > events.Pixels[events.Count - 1];
                    events.Add(pixel, module.Count[cursor[m]]);
                }
            }
            if (!sorted)
            {
                Array.Sort(events.Pixels, events.Counts, start, events.Count - start);
                for (int e = start + 1; e < events.Count; e++)
                    if (events.Pixels[e] == events.Pixels[e - 1])
                        throw new DataContractException(modules[0].Path, $"frame {f}: pixel {events.Pixels[e]} is listed twice");
            }
            offsets[f + 1] = events.Count;
        }
        return new SparseDetectorSource(format, rows, cols, offsets, events.Pixels, events.Counts);
    }

    private static Module ReadModule(string path)
    {
        long length = FileLength(path);
        if (length == 0) throw new DataContractException(path, "empty Rigaku .bin file (no records)");
        if (length % 8 != 0) throw new DataContractException(path, $"truncated: {length} bytes is not a whole number of 8-byte records");
        if (length / 8 > int.MaxValue) throw new DataContractException(path, "more than 2^31 records");
        int records = (int)(length / 8);
        var frame = new int[records];
        var pixel = new int[records];
        var count = new int[records];
        int r = 0, minPixel = int.MaxValue;
        SparseDetectorSource.ReadWhole(path, bytes =>
        {
            for (int i = 0; i + 8 <= bytes.Length; i += 8, r++)
            {
                ulong a = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i, 8));
                int f = (int)(a >> 40);
                if (r > 0 && f < frame[r - 1])
                    throw new DataContractException(path, $"record {r}: frame {f} after frame {frame[r - 1]} (frames must not decrease)");
                frame[r] = f;
                pixel[r] = (int)((a >> 16) & ((1UL << 21) - 1));
                count[r] = (int)(a & 0xFFF);
                minPixel = Math.Min(minPixel, pixel[r]);
            }
        });
        if (r != records) throw new DataContractException(path, $"the file changed while it was read ({r} of {records} records)");
        int shift = minPixel >= ModuleOffset ? ModuleOffset : 0;
        for (int i = 0; i < records; i++)
        {
            int p = pixel[i] -= shift;
            if (p >= ModuleRows * ModuleCols)
                throw new DataContractException(path, $"record {i}: pixel index {p + shift} is outside the {ModuleRows} x {ModuleCols} module");
        }
        return new Module(path, frame, pixel, count, records);
    }

    internal static long FileLength(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataContractException(path, "file not found");
        return info.Length;
    }
}
