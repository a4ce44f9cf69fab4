using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Cli.Tests.Support;

/// <summary>A small contract series (16 x 16 pixels, 64 frames in 3 chunks) of pseudo-random counts, for command tests.</summary>
public static class SmallSeries
{
    public const int Rows = 16, Cols = 16, Frames = 64, Chunks = 3;

    public static SeriesManifest Manifest()
    {
        var detector = new DetectorGeometry(Rows, Cols, 75e-6, 2.0, 7.5, -3.0, 10.9);
        // q range over the whole detector: from the nearest to the farthest pixel.
        var q = Enumerable.Range(0, Rows * Cols).Select(p => detector.QInvA(p / Cols, p % Cols)).ToArray();
        return new SeriesManifest
        {
            Beamtime = "clitests",
            Series = "x0.00_t0000",
            Frames = Frames,
            Chunks = Chunks,
            FrameTimeS = 0.1,
            PositionMm = 0.25,
            PolarizationTimeMin = 30.0,
            Detector = detector,
            FlowAxisDeg = 0.0,
            QMap = new QMapSpec(q.Min(), q.Max() * 1.0001, QBins: 2, PhiBins: 4, StaticPerDynamic: 2),
        };
    }

    /// <summary>Counts 0..7 of frame f, pixel p (deterministic).</summary>
    public static double Count(int frame, int pixel) => (ulong)(frame * 7919 + pixel * 104729 + 17) * 2654435761UL % 8;

    public static double[] FrameValues(int firstFrame, int count) =>
        Enumerable.Range(0, count * Rows * Cols).Select(i => Count(firstFrame + i / (Rows * Cols), i % (Rows * Cols))).ToArray();

    /// <summary>Writes the series into <paramref name="folder"/> in the given dtype; returns the path of its series.json.</summary>
    public static string Write(string folder, FrameDType dtype = FrameDType.UInt16, SeriesManifest? manifest = null)
    {
        manifest ??= Manifest();
        var writer = new SeriesFolderWriter(folder, manifest, dtype, ChunkStorageLayout.Chunked);
        for (int f = 0; f < manifest.Frames; f++) writer.AppendFrame<double>(FrameValues(f, 1));
        writer.Complete();
        return Path.Combine(folder, SeriesManifest.FileName);
    }

    public static string ChunkPath(string folder, int chunk) => Path.Combine(folder, SeriesManifest.ChunkFileName(chunk));
}
