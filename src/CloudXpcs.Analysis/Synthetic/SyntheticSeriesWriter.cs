using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Analysis.Synthetic;

/// <summary>
/// Writes a simulated heterodyne series as a contract series folder (series.json, chunk-NNNNN.h5) with the true
/// parameters in truth.json beside them.
/// </summary>
public static class SyntheticSeriesWriter
{
    public static SeriesManifest Write(string seriesFolder, string beamtime, string series, HeterodyneSeriesSpec spec,
        int chunks, QMapSpec? qmap = null, ChunkStorageLayout layout = ChunkStorageLayout.Deflate)
    {
        var simulator = new HeterodyneSpeckleSimulator(spec);
        var manifest = new SeriesManifest
        {
            Beamtime = beamtime,
            Series = series,
            Frames = spec.Frames,
            Chunks = chunks,
            FrameTimeS = spec.FrameTimeS,
            PositionMm = spec.PositionMm,
            PolarizationTimeMin = spec.PolarizationTimeMin,
            Detector = spec.Geometry,
            FlowAxisDeg = spec.FlowAxisDeg,
            QMap = qmap ?? new QMapSpec(),
        };
        manifest.Validate(Path.Combine(seriesFolder, SeriesManifest.FileName));
        Directory.CreateDirectory(seriesFolder);
        var writer = new SeriesFolderWriter(seriesFolder, manifest, FrameDType.UInt16, layout);
        int pixels = spec.Geometry.PixelCount;
        foreach (var batch in simulator.FrameBatches(256))
        {
            var frames = batch.Span;
            for (int f = 0; f < frames.Length / pixels; f++) writer.AppendFrame(frames.Slice(f * pixels, pixels));
        }
        TruthJson.WriteSeries(seriesFolder, simulator.Truth);
        writer.Complete();
        return manifest;
    }

    public static SeriesTruth ReadTruth(string seriesFolder) => TruthJson.ReadSeries(seriesFolder);
}
