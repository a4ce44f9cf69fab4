using CloudXpcs.Data;
using System.Globalization;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>
/// What one correlation may cost, checked before any of it is allocated: frames, (static + dynamic bins) x lags and
/// an estimate of the correlator's memory from the manifest, the q-map and the pixel shard. The same budget is applied
/// by the CLI, the pipeline's workers and the HTTP API (run options). Defaults fit an 8 GB worker; the environment
/// overrides them: CLOUDXPCS_MAX_MEMORY_MB, CLOUDXPCS_MAX_FRAMES, CLOUDXPCS_MAX_BIN_LAGS.
/// </summary>
public sealed record ResourceBudget(long MaxMemoryBytes = 4L << 30, long MaxFrames = 1L << 24, long MaxBinLags = 10_000_000)
{
    public static ResourceBudget Default { get; } = new();

    /// <summary>Lags a series of <see cref="MaxFrames"/> frames has at most at 16 delays per level: the bound used where frames are not yet known.</summary>
    private const int TypicalMaxLags = 400;

    /// <summary>The correlator keeps its bin sums in this many SIMD lanes (MultiTauKernels.Lanes, internal to Science).</summary>
    private const long CorrelatorLanes = 8;

    public static ResourceBudget FromEnvironment()
    {
        static long? Read(string name)
        {
            string? text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(text)) return null;
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v > 0
                ? v : throw new InvalidOperationException($"{name} must be a positive integer (got '{text}')");
        }
        return new ResourceBudget(
            Read("CLOUDXPCS_MAX_MEMORY_MB") is { } mb ? mb << 20 : Default.MaxMemoryBytes,
            Read("CLOUDXPCS_MAX_FRAMES") ?? Default.MaxFrames,
            Read("CLOUDXPCS_MAX_BIN_LAGS") ?? Default.MaxBinLags);
    }

    /// <summary>Bytes the correlator of one series (or one pixel shard of it) needs, roughly: its largest arrays.</summary>
    public static long EstimateBytes(long frames, long pixels, QMapSpec qmap, int delaysPerLevel)
    {
        long lags = MultiTauLadder.Create(frames, delaysPerLevel).Count;
        const long lanes = CorrelatorLanes;
        long binBytes = lags * (qmap.StaticBinCount * (3 * lanes + 3) + qmap.DynamicBinCount * (3 * lanes + 5)) * 8L + qmap.StaticBinCount * 4L;
        long pixelBytes = pixels * (2L * lags + 8) * 8L; // per-pixel multi-tau history, sums and bin indices
        long frameBytes = frames * 32L; // per-frame intensity and bookkeeping
        return binBytes + pixelBytes + frameBytes;
    }

    /// <summary>Throws <see cref="DataContractException"/> naming <paramref name="source"/> when the series exceeds the budget.</summary>
    public void Check(SeriesManifest manifest, string source, long? shardPixels = null)
    {
        if (manifest.Frames > MaxFrames)
            throw new DataContractException(source, $"{manifest.Frames} frames exceed the budget of {MaxFrames} frames per series (CLOUDXPCS_MAX_FRAMES)");
        long lags = MultiTauLadder.Create(manifest.Frames, manifest.DelaysPerLevel).Count;
        CheckBins(manifest.QMap, lags, source);
        long bytes = EstimateBytes(manifest.Frames, shardPixels ?? manifest.PixelsPerFrame, manifest.QMap, manifest.DelaysPerLevel);
        if (bytes > MaxMemoryBytes)
            throw new DataContractException(source,
                $"correlating {manifest.Frames} frames of {shardPixels ?? manifest.PixelsPerFrame} pixels into {manifest.QMap.StaticBinCount} static bins x {lags} lags needs about {Mib(bytes)} MiB, beyond the budget of {Mib(MaxMemoryBytes)} MiB (CLOUDXPCS_MAX_MEMORY_MB)");
    }

    /// <summary>Checks a q-map given as a run option before any series is known (its frames bound the lags by <see cref="TypicalMaxLags"/>).</summary>
    public void CheckQMap(QMapSpec qmap, string source) => CheckBins(qmap, TypicalMaxLags / 10, source);

    private void CheckBins(QMapSpec qmap, long lags, string source)
    {
        long binLags = ((long)qmap.StaticBinCount + qmap.DynamicBinCount) * lags;
        if (binLags > MaxBinLags)
            throw new DataContractException(source,
                $"q-map of {qmap.StaticBinCount} static and {qmap.DynamicBinCount} dynamic bins x {lags} lags = {binLags} bin-lags, beyond the budget of {MaxBinLags} (CLOUDXPCS_MAX_BIN_LAGS)");
        long bytes = lags * (qmap.StaticBinCount * (3L * CorrelatorLanes + 3) + qmap.DynamicBinCount * (3L * CorrelatorLanes + 5)) * 8L;
        if (bytes > MaxMemoryBytes)
            throw new DataContractException(source,
                $"q-map of {qmap.StaticBinCount} static bins x {lags} lags needs about {Mib(bytes)} MiB, beyond the budget of {Mib(MaxMemoryBytes)} MiB (CLOUDXPCS_MAX_MEMORY_MB)");
    }

    /// <summary>Throws <see cref="DataContractException"/> when a two-time correlation's stated peak memory exceeds the budget.</summary>
    public void CheckTwoTime(TwoTimeCost cost, string source)
    {
        if (cost.TotalBytes > MaxMemoryBytes)
            throw new DataContractException(source,
                $"two-time of {cost.CorrelatorFrames} correlator frames x {cost.Pixels} pixels in {cost.Bins} bins needs about {Mib(cost.TotalBytes)} MiB " +
                $"({Mib(cost.CacheBytes)} MiB of frames, {Mib(cost.MapBytes)} MiB of maps, {Mib(cost.WorkBytes)} MiB of work buffers" +
                (cost.MultiTauBytes > 0 ? $", {Mib(cost.MultiTauBytes)} MiB of multi-tau" : "") +
                $") and {cost.MultiplyAdds:E2} multiply-adds (about {Describe(cost.EstimatedSeconds)} on {cost.Threads} cores), beyond the budget of " +
                $"{Mib(MaxMemoryBytes)} MiB (CLOUDXPCS_MAX_MEMORY_MB): select fewer bins (--twotime-bins) or raise --avg-frame/--stride-frame");
    }

    private static string Describe(double seconds) => seconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min");

    private static long Mib(long bytes) => (bytes + (1 << 20) - 1) >> 20;
}
