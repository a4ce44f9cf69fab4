using CloudXpcs.Data;
using CloudXpcs.Data.Detectors;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>
/// Correlates a series whose frames come as event lists (a photon-counting detector file, <see cref="SparseDetectorSource"/>)
/// with the geometry, binning, mask and multi-tau settings of its series.json: the same result, bit for bit, as the
/// same frames given densely to <see cref="SeriesCorrelation"/>, with work in proportion to the photons at low levels.
/// </summary>
public static class EventSeriesCorrelation
{
    /// <summary>Frames per event batch: long batches keep the per-batch pass over the detector's columns small.</summary>
    public const int BatchFrames = 16384;

    /// <summary>
    /// Correlates the detector file(s) of a series folder's series.json (geometry, binning, mask, multi-tau; its chunks
    /// are not read) and writes g2.h5 (under a temporary name, then renamed).
    /// </summary>
    public static MultiTauResult CorrelateToFile(string seriesFolder, string format, IReadOnlyList<string> files, string g2Path,
        SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null)
    {
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        var manifest = SeriesManifest.Load(manifestPath);
        byte[]? mask = SeriesFrames.ReadMask(seriesFolder, manifest);
        var result = Correlate(SparseDetectorSource.Open(format, files), manifest, mask, manifestPath, options, framesDone);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(g2Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        G2FileWriter.Write(g2Path, result);
        return result;
    }

    public static MultiTauResult Correlate(SparseDetectorSource source, SeriesManifest manifest, byte[]? mask, string manifestPath,
        SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null) =>
        CorrelatePartial(source, manifest, mask, manifestPath, options, framesDone).ToResult(manifest.FrameTimeS);

    /// <summary>The partial sums of one pixel shard (all pixels by default); shards merge with CorrelationPartialSums.Merge.</summary>
    public static CorrelationPartialSums CorrelatePartial(SparseDetectorSource source, SeriesManifest manifest, byte[]? mask,
        string manifestPath, SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null)
    {
        options ??= new SeriesCorrelationOptions();
        if (options.QMap is { } binning) manifest = manifest with { QMap = binning };
        string file = source.Paths.Count > 0 ? source.Paths[0] : manifestPath;
        if (source.Rows != manifest.Rows || source.Cols != manifest.Cols)
            throw new DataContractException(file, $"the detector file holds {source.Rows} x {source.Cols} pixels but {manifestPath} declares {manifest.Rows} x {manifest.Cols}");
        if (source.Frames != manifest.Frames)
            throw new DataContractException(file, $"the detector file holds {source.Frames} frames but {manifestPath} declares {manifest.Frames}");
        if (manifest.Frames < 2)
            throw new DataContractException(manifestPath, $"the series has {manifest.Frames} frame; correlation needs at least 2");
        long? shard = options.PixelEnd >= 0 ? options.PixelEnd - options.PixelStart : null;
        (options.Budget ?? ResourceBudget.FromEnvironment()).Check(manifest, manifestPath, shard);
        var map = SeriesCorrelation.BuildQMap(manifest, mask, manifestPath);
        using var correlator = SeriesCorrelation.CreateCorrelator(map, manifest, options);
        int done = 0;
        foreach (var batch in source.ReadBatches(options.BatchFrames > 0 ? options.BatchFrames : BatchFrames))
        {
            correlator.AddEvents(batch);
            done += batch.FrameCount;
            framesDone?.Report(done);
        }
        return correlator.ToPartialSums();
    }
}
