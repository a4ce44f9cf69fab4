using System.Globalization;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Bench;

/// <summary>
/// `dense-series DIR [frames] [side] [mean] [chunks] [layout]`: writes the frames of <see cref="CorrelationThroughput"/>
/// (Poisson counts, every pixel binned) as a contract series folder of uncompressed contiguous chunks (or another
/// <see cref="ChunkStorageLayout"/>), so that `cloudxpcs correlate` of the folder and the in-memory kernel see the same data.
/// </summary>
public static class DenseSeriesWriter
{
    public static int Run(string[] args)
    {
        string folder = args[1];
        int frames = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2048;
        int side = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 512;
        double mean = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 1.0;
        int chunks = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 4;
        var layout = args.Length > 6 ? Enum.Parse<ChunkStorageLayout>(args[6], ignoreCase: true) : ChunkStorageLayout.Contiguous;
        Write(folder, "bench", $"dense-{side}x{side}x{frames}-mean{mean.ToString(CultureInfo.InvariantCulture)}", frames, side, mean, chunks, layout);
        Console.WriteLine($"wrote {Path.GetFullPath(folder)}: {frames} frames of {side} x {side} uint16, mean {mean}, {chunks} {layout} chunks");
        return 0;
    }

    public static void Write(string folder, string beamtime, string series, int frames, int side, double mean, int chunks, ChunkStorageLayout layout)
    {
        var map = CorrelationThroughput.AllPixelsMap(side, side);
        var manifest = new SeriesManifest
        {
            Beamtime = beamtime, Series = series,
            Frames = frames, Chunks = chunks, FrameTimeS = 0.2, PositionMm = 0, PolarizationTimeMin = 0,
            Detector = map.Geometry, FlowAxisDeg = 0, QMap = map.Spec,
        };
        int pixels = side * side;
        var writer = new SeriesFolderWriter(folder, manifest, FrameDType.UInt16, layout);
        // A block of frames at a time: the seed of each block differs, so the series is no repetition of one block.
        const int Block = 256;
        for (int first = 0; first < frames; first += Block)
        {
            int count = Math.Min(Block, frames - first);
            var data = CorrelationThroughput.PoissonFrames(count, pixels, mean, 7 + first);
            for (int f = 0; f < count; f++) writer.AppendFrame<ushort>(data.AsSpan(f * pixels, pixels));
        }
        writer.Complete();
    }
}
