using System.Numerics;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Data;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>How one series (or one pixel shard of it) is correlated.</summary>
public sealed record SeriesCorrelationOptions
{
    /// <summary>Threads inside the correlator; ≤ 0 means all cores.</summary>
    public int Threads { get; init; } = -1;

    /// <summary>Frames read per batch; 0 picks a batch of about <see cref="TargetBatchBytes"/>.</summary>
    public int BatchFrames { get; init; }

    public int PixelStart { get; init; }

    /// <summary>Exclusive end of the pixel shard; −1 means all pixels.</summary>
    public int PixelEnd { get; init; } = -1;

    /// <summary>The q/φ binning to correlate with instead of the one in series.json (a reprocessing); null = series.json's.</summary>
    public QMapSpec? QMap { get; init; }

    /// <summary>The host's pool of correlator state memory; null: each correlation allocates its own.</summary>
    public CorrelatorStatePool? StatePool { get; init; }

    public const long TargetBatchBytes = 256L << 20;

    /// <summary>The cost limits checked before correlating; null reads them from the environment (<see cref="ResourceBudget.FromEnvironment"/>).</summary>
    public ResourceBudget? Budget { get; init; }

    /// <summary>Two-time correlation beside multi-tau in the same pass over the frames (written under /xpcs/twotime); null: none.</summary>
    public TwoTimeOptions? TwoTime { get; init; }

    /// <summary>
    /// Uncompressed series whose chunks can all be memory-mapped take the correlator's whole-series path unless a batch
    /// size is requested; false streams them batch by batch (the same g2, bit for bit).
    /// </summary>
    public bool WholeSeriesWhenMapped { get; init; } = true;

    /// <summary>Receives the time of each stage (read, correlate, finalise, write); null: not measured.</summary>
    public CorrelationStageTimes? Timings { get; init; }
}

/// <summary>
/// Reads a contract series folder chunk by chunk and correlates it (DATA_CONTRACT §3): reading the next batch
/// overlaps with correlating the current one, and memory stays O(batch × pixels + pixels × levels × delays).
/// </summary>
public static class SeriesCorrelation
{
    /// <summary>The q/χ map of a series, with a clear error when no pixel falls in its q range.</summary>
    public static QMap BuildQMap(SeriesManifest manifest, byte[]? mask, string source, string? seriesFolder = null)
    {
        if (manifest.QMapFile is { } qmapFile)
        {
            string path = Path.Combine(seriesFolder ?? Path.GetDirectoryName(Path.GetFullPath(source))!, qmapFile.Name);
            Data.Inputs.InputFile.RequireRegularFile(path);
            return MaskingToolQMapFile.Read(path).BuildQMap(manifest.Detector, manifest.FlowAxisDeg, mask ?? default(ReadOnlySpan<byte>));
        }
        var map = QMap.Build(manifest.Detector, manifest.QMap, manifest.FlowAxisDeg, mask ?? default(ReadOnlySpan<byte>));
        if (map.BinnedPixelCount == 0)
        {
            var g = manifest.Detector;
            double qLow = double.MaxValue, qHigh = 0;
            foreach (int row in new[] { 0, g.Rows - 1 })
            for (int col = 0; col < g.Cols; col++) { double q = g.QInvA(row, col); qLow = Math.Min(qLow, q); qHigh = Math.Max(qHigh, q); }
            foreach (int col in new[] { 0, g.Cols - 1 })
            for (int row = 0; row < g.Rows; row++) { double q = g.QInvA(row, col); qLow = Math.Min(qLow, q); qHigh = Math.Max(qHigh, q); }
            throw new DataContractException(source,
                $"q range off the detector: no unmasked pixel has q in [{manifest.QMap.QMinInvA}, {manifest.QMap.QMaxInvA}) 1/A (the detector edges span about {qLow:G3}..{qHigh:G3} 1/A)");
        }
        return map;
    }

    public static MultiTauResult Correlate(string seriesFolder, SeriesCorrelationOptions? options = null, IProgress<long>? framesDone = null) =>
        CorrelateWithTwoTime(seriesFolder, options, framesDone).MultiTau;

    /// <summary>Multi-tau and, when <see cref="SeriesCorrelationOptions.TwoTime"/> is set, two-time from one pass over the frames.</summary>
    public static (MultiTauResult MultiTau, TwoTimeResult? TwoTime) CorrelateWithTwoTime(string seriesFolder, SeriesCorrelationOptions? options = null,
        IProgress<long>? framesDone = null)
    {
        var sums = CorrelatePartial(seriesFolder, options, framesDone, out var manifest, out var twoTime);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = (sums.ToResult(manifest.FrameTimeS), twoTime is null ? null : TwoTimeResult.Of(twoTime, manifest.FrameTimeS));
        if (options?.Timings is { } times) times.FinaliseS += CorrelationStageTimes.Since(started);
        return result;
    }

    /// <summary>The partial sums of one pixel shard (all pixels by default); shards merge with CorrelationPartialSums.Merge.</summary>
    public static CorrelationPartialSums CorrelatePartial(string seriesFolder, SeriesCorrelationOptions? options,
        IProgress<long>? framesDone, out SeriesManifest manifest) =>
        CorrelatePartial(seriesFolder, options, framesDone, out manifest, out _);

    private static CorrelationPartialSums CorrelatePartial(string seriesFolder, SeriesCorrelationOptions? options,
        IProgress<long>? framesDone, out SeriesManifest manifest, out TwoTimeCorrelator? twoTime)
    {
        options ??= new SeriesCorrelationOptions();
        long opened = System.Diagnostics.Stopwatch.GetTimestamp();
        var declared = SeriesFrames.LoadManifest(seriesFolder);
        if (SeriesFrames.IsPhotonEventSeries(declared))
        {
            manifest = options.QMap is { } rebinning ? declared with { QMap = rebinning, QMapFile = null } : declared;
            if (options.TwoTime is not null) throw TwoTimeOfEvents(seriesFolder, declared);
            twoTime = null;
            return EventSeriesCorrelation.CorrelatePartial(seriesFolder, declared, manifest, options with { QMap = null }, framesDone);
        }
        using var source = SeriesFrames.Open(seriesFolder);
        manifest = options.QMap is { } binning ? source.Manifest with { QMap = binning, QMapFile = null } : source.Manifest;
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        if (manifest.Frames < 2)
            throw new DataContractException(manifestPath, $"the series has {manifest.Frames} frame; correlation needs at least 2");
        long? shard = options.PixelEnd >= 0 ? options.PixelEnd - options.PixelStart : null;
        (options.Budget ?? ResourceBudget.FromEnvironment()).Check(manifest, manifestPath, shard);
        // Every frame mapped at once (uncompressed chunks, multi-tau only): the correlator's whole-series path needs no
        // series-sized state. Otherwise, within the budget, the streaming path's state memory is made ready while the
        // q-map and correlator are set up.
        using var mapped = options.TwoTime is null && options.WholeSeriesWhenMapped && options.BatchFrames == 0 && source is SeriesFrameSource chunks ? MappedSeries.TryMap(chunks) : null;
        if (mapped is null)
            options.StatePool?.Prewarm(MultiTauCorrelator.StateDoublesAtMost((int)(shard ?? manifest.PixelsPerFrame - options.PixelStart), manifest.Frames, manifest.DelaysPerLevel));
        var map = BuildQMap(manifest, source.ReadMask(), manifestPath, seriesFolder);
        twoTime = options.TwoTime is { } twoTimeOptions
            ? SeriesTwoTime.Create(map, manifest, twoTimeOptions, options.Budget, manifestPath, source.PixelType,
                ResourceBudget.EstimateBytes(manifest.Frames, shard ?? manifest.PixelsPerFrame, manifest.QMap, manifest.DelaysPerLevel))
            : null;
        using var correlator = CreateCorrelator(map, manifest, options);
        if (options.Timings is { } times) times.OpenS += CorrelationStageTimes.Since(opened);
        if (mapped is not null) CorrelateMapped(mapped, correlator, source.PixelType, options, framesDone);
        else StreamAll(source, correlator, twoTime, options, framesDone);
        long finishing = System.Diagnostics.Stopwatch.GetTimestamp();
        var sums = correlator.ToPartialSums();
        if (options.Timings is { } finished) finished.FinaliseS += CorrelationStageTimes.Since(finishing);
        return sums;
    }

    /// <summary>
    /// Only the two-time correlation of a series (of the bins <see cref="SeriesCorrelationOptions.TwoTime"/> selects), from
    /// one pass over its frames: one bin group of a pipeline run, whose maps equal those of the same bins correlated with multi-tau.
    /// </summary>
    public static TwoTimeResult CorrelateTwoTime(string seriesFolder, SeriesCorrelationOptions options, IProgress<long>? framesDone = null)
    {
        var twoTimeOptions = options.TwoTime ?? throw new ArgumentException("no two-time options", nameof(options));
        var declared = SeriesFrames.LoadManifest(seriesFolder);
        if (SeriesFrames.IsPhotonEventSeries(declared)) throw TwoTimeOfEvents(seriesFolder, declared);
        using var source = SeriesFrames.Open(seriesFolder);
        var manifest = options.QMap is { } binning ? source.Manifest with { QMap = binning, QMapFile = null } : source.Manifest;
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        var map = BuildQMap(manifest, source.ReadMask(), manifestPath, seriesFolder);
        var twoTime = SeriesTwoTime.Create(map, manifest, twoTimeOptions, options.Budget, manifestPath, source.PixelType);
        StreamAll(source, null, twoTime, options, framesDone);
        return TwoTimeResult.Of(twoTime, manifest.FrameTimeS);
    }

    private static DataContractException TwoTimeOfEvents(string seriesFolder, SeriesManifest declared) =>
        new(Path.Combine(seriesFolder, SeriesManifest.FileName),
            $"two-time correlation of a photon-event series ({declared.Raw!.Format}) is not supported yet; correlate it without --twotime");

    private static void StreamAll(ISeriesFrames source, MultiTauCorrelator? correlator, TwoTimeCorrelator? twoTime, SeriesCorrelationOptions options,
        IProgress<long>? framesDone)
    {
        switch (source.PixelType)
        {
            case FramePixelType.UInt16: Stream<ushort>(source, correlator, twoTime, options, framesDone); break;
            case FramePixelType.UInt32: Stream<uint>(source, correlator, twoTime, options, framesDone); break;
            default: Stream<float>(source, correlator, twoTime, options, framesDone); break;
        }
    }

    private static void CorrelateMapped(MappedSeries mapped, MultiTauCorrelator correlator, FramePixelType pixelType, SeriesCorrelationOptions options,
        IProgress<long>? framesDone)
    {
        if (pixelType == FramePixelType.UInt16) mapped.Correlate<ushort>(correlator, options.Timings, framesDone);
        else mapped.Correlate<uint>(correlator, options.Timings, framesDone);
    }

    /// <summary>The correlator of a series (or one pixel shard of it) with the series' multi-tau settings and the options' threads and pool.</summary>
    internal static MultiTauCorrelator CreateCorrelator(QMap map, SeriesManifest manifest, SeriesCorrelationOptions options) =>
        new(map, manifest.Frames, new MultiTauOptions
        {
            DelaysPerLevel = manifest.DelaysPerLevel,
            MaxDegreeOfParallelism = options.Threads,
            PixelStart = options.PixelStart,
            PixelEnd = options.PixelEnd,
            StatePool = options.StatePool,
        });

    private static void Stream<T>(ISeriesFrames source, MultiTauCorrelator? correlator, TwoTimeCorrelator? twoTime, SeriesCorrelationOptions options,
        IProgress<long>? framesDone) where T : unmanaged, INumber<T>
    {
        var times = options.Timings;
        void Consume(ReadOnlySpan<T> frames, int framesAfter)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            correlator?.AddFrames(frames);
            twoTime?.AddFrames(frames);
            if (times is not null) times.CorrelateS += CorrelationStageTimes.Since(started);
            framesDone?.Report(framesAfter);
        }
        if (source is SeriesFrameSource chunks && SeriesFrameBatches.TryStreamMapped<T>(chunks, options.BatchFrames, times, Consume)) return;
        SeriesFrameBatches.StreamRead<T>(source, options.BatchFrames, times, Consume, options.Threads);
    }

    /// <summary>Correlates a series folder and writes its g2.h5 (written under a temporary name, then renamed).</summary>
    public static MultiTauResult CorrelateToFile(string seriesFolder, string g2Path, SeriesCorrelationOptions? options = null,
        IProgress<long>? framesDone = null)
    {
        var (result, twoTime) = CorrelateWithTwoTime(seriesFolder, options, framesDone);
        long writing = System.Diagnostics.Stopwatch.GetTimestamp();
        string? dir = Path.GetDirectoryName(Path.GetFullPath(g2Path));
        if (dir is not null) Directory.CreateDirectory(dir);
        G2FileWriter.Write(g2Path, result, twoTime: twoTime);
        if (options?.Timings is { } times) times.WriteS += CorrelationStageTimes.Since(writing);
        return result;
    }
}
