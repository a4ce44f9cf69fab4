using System.Diagnostics;
using System.Runtime.ExceptionServices;
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
        long started = Stopwatch.GetTimestamp();
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        var manifest = SeriesManifest.Load(manifestPath);
        byte[]? mask = SeriesFrames.ReadMask(seriesFolder, manifest);
        var sums = CorrelatePartial(() =>
        {
            var source = SparseDetectorSource.Open(format, files);
            if (options?.Timings is { } opened) opened.OpenS += CorrelationStageTimes.Since(started);
            return source;
        }, manifest, mask, manifestPath, options, framesDone);
        var result = Finalise(sums, manifest, options);
        long writing = Stopwatch.GetTimestamp();
        string? dir = Path.GetDirectoryName(Path.GetFullPath(g2Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        G2FileWriter.Write(g2Path, result);
        if (options?.Timings is { } written) written.WriteS += CorrelationStageTimes.Since(writing);
        return result;
    }

    public static MultiTauResult Correlate(SparseDetectorSource source, SeriesManifest manifest, byte[]? mask, string manifestPath,
        SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null)
    {
        var sums = CorrelatePartial(source, manifest, mask, manifestPath, options, framesDone);
        return Finalise(sums, manifest, options);
    }

    private static MultiTauResult Finalise(CorrelationPartialSums sums, SeriesManifest manifest, SeriesCorrelationOptions? options)
    {
        long started = Stopwatch.GetTimestamp();
        var result = sums.ToResult(manifest.FrameTimeS);
        if (options?.Timings is { } times) times.FinaliseS += CorrelationStageTimes.Since(started);
        return result;
    }

    /// <summary>The partial sums of one pixel shard (all pixels by default); shards merge with CorrelationPartialSums.Merge.</summary>
    public static CorrelationPartialSums CorrelatePartial(SparseDetectorSource source, SeriesManifest manifest, byte[]? mask,
        string manifestPath, SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null) =>
        CorrelatePartial(() => source, manifest, mask, manifestPath, options, framesDone);

    /// <summary>
    /// As above, with the detector file opened by <paramref name="openSource"/> on the thread pool while the q-map and the
    /// correlator's state are built (both mostly first touches of fresh memory). Faults are reported in the order of the
    /// steps one after the other: the file's, the file against series.json, then the budget's and the q-map's.
    /// </summary>
    public static CorrelationPartialSums CorrelatePartial(Func<SparseDetectorSource> openSource, SeriesManifest manifest, byte[]? mask,
        string manifestPath, SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null) =>
        CorrelatePartial(openSource, () => mask, manifest, manifestPath, options, framesDone);

    /// <summary>
    /// A series whose series.json (<paramref name="declared"/>) names its detector files: they are opened while the mask,
    /// the q-map and the correlator are prepared; a fault of the files comes before the mask's. <paramref name="manifest"/>
    /// is the series.json with any binning of the options applied.
    /// </summary>
    public static CorrelationPartialSums CorrelatePartial(string seriesFolder, SeriesManifest declared, SeriesManifest manifest,
        SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null) =>
        CorrelatePartial(() => SeriesFrames.OpenEvents(seriesFolder, declared), () => SeriesFrames.ReadMask(seriesFolder, declared), manifest,
            Path.Combine(seriesFolder, SeriesManifest.FileName), options, framesDone);

    private static CorrelationPartialSums CorrelatePartial(Func<SparseDetectorSource> openSource, Func<byte[]?> readMask, SeriesManifest manifest,
        string manifestPath, SeriesCorrelationOptions? options, IProgress<long>? framesDone)
    {
        options ??= new SeriesCorrelationOptions();
        if (options.QMap is { } binning) manifest = manifest with { QMap = binning };
        var opening = Task.Run(openSource);
        MultiTauCorrelator? correlator = null;
        ExceptionDispatchInfo? maskFault = null, setupFault = null;
        byte[]? mask = null;
        try
        {
            mask = readMask();
        }
        catch (Exception e)
        {
            maskFault = ExceptionDispatchInfo.Capture(e);
        }
        if (maskFault is null)
            try
            {
                long? shard = options.PixelEnd >= 0 ? options.PixelEnd - options.PixelStart : null;
                (options.Budget ?? ResourceBudget.FromEnvironment()).Check(manifest, manifestPath, shard);
                var map = SeriesCorrelation.BuildQMap(manifest, mask, manifestPath);
                correlator = SeriesCorrelation.CreateCorrelator(map, manifest, options);
            }
            catch (Exception e)
            {
                setupFault = ExceptionDispatchInfo.Capture(e);
            }
        using (correlator)
        {
            var source = opening.GetAwaiter().GetResult();
            maskFault?.Throw();
            CheckAgainstManifest(source, manifest, manifestPath);
            setupFault?.Throw();
            return Correlate(source, correlator!, options, framesDone);
        }
    }

    private static void CheckAgainstManifest(SparseDetectorSource source, SeriesManifest manifest, string manifestPath)
    {
        string file = source.Paths.Count > 0 ? source.Paths[0] : manifestPath;
        if (source.Rows != manifest.Rows || source.Cols != manifest.Cols)
            throw new DataContractException(file, $"the detector file holds {source.Rows} x {source.Cols} pixels but {manifestPath} declares {manifest.Rows} x {manifest.Cols}");
        if (source.Frames != manifest.Frames)
            throw new DataContractException(file, $"the detector file holds {source.Frames} frames but {manifestPath} declares {manifest.Frames}");
        if (manifest.Frames < 2)
            throw new DataContractException(manifestPath, $"the series has {manifest.Frames} frame; correlation needs at least 2");
    }

    private static CorrelationPartialSums Correlate(SparseDetectorSource source, MultiTauCorrelator correlator, SeriesCorrelationOptions options,
        IProgress<long>? framesDone)
    {
        var times = options.Timings;
        int done = 0;
        using var batches = source.ReadBatches(options.BatchFrames > 0 ? options.BatchFrames : BatchFrames).GetEnumerator();
        while (true)
        {
            long reading = Stopwatch.GetTimestamp();
            if (!batches.MoveNext()) break;
            long correlating = Stopwatch.GetTimestamp();
            if (times is not null) times.ReadS += Stopwatch.GetElapsedTime(reading, correlating).TotalSeconds;
            correlator.AddEvents(batches.Current);
            if (times is not null) times.CorrelateS += CorrelationStageTimes.Since(correlating);
            done += batches.Current.FrameCount;
            framesDone?.Report(done);
        }
        // Kept whole-series events are correlated here, when the sums are asked for.
        long finishing = Stopwatch.GetTimestamp();
        var sums = correlator.ToPartialSums();
        if (times is not null) times.CorrelateS += CorrelationStageTimes.Since(finishing);
        return sums;
    }
}
