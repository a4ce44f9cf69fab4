namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// What a two-time correlation costs at its peak, known before any frame is read; everything that grows with the series:
/// the frame cache (N correlator frames × the processed bins' pixels, 4 or 8 bytes a value,
/// <see cref="TwoTimeCorrelator.CacheBytesPerValue"/>), the maps (N² float64 per processed bin, all held until written,
/// plus the one N² float32 image the result file's writer fills map after map), the work buffers of one bin (its
/// frames X in float64, padded to multiples of 4, and the padded products when N is not a multiple of 4), the multi-tau
/// correlator's state when both run in one pass, and the multiply-adds of the frame products (N²·P/2 per bin, symmetric)
/// with the time they take at <see cref="MultiplyAddsPerSecondPerCore"/>.
/// </summary>
public sealed record TwoTimeCost(long CorrelatorFrames, long Pixels, int Bins, long CacheBytes, long MapBytes, double MultiplyAdds,
    long WorkBytes = 0, long MultiTauBytes = 0, int Threads = 1)
{
    /// <summary>
    /// The frame products' rate per core, measured with bench/twotime.sh on the 2-core build machine with nothing else
    /// running (2026-12-07: 7.4 G multiply-adds/s for one bin and 8.35 G/s for all 72 bins of 512 × 512 × 4096, both cores).
    /// The time stated is that of an otherwise idle machine; a shared one takes longer (1.4 G/s at load averages 32-61).
    /// </summary>
    public const double MultiplyAddsPerSecondPerCore = 3.7e9;

    public long TotalBytes => CacheBytes + MapBytes + WorkBytes + MultiTauBytes;

    /// <summary>Seconds the frame products take on <see cref="Threads"/> cores at <see cref="MultiplyAddsPerSecondPerCore"/>.</summary>
    public double EstimatedSeconds => MultiplyAdds / (MultiplyAddsPerSecondPerCore * Threads);

    public static TwoTimeCost Of(long correlatorFrames, IReadOnlyList<int> binPixelCounts, int threads = 1, int cacheBytesPerValue = sizeof(double),
        long multiTauBytes = 0)
    {
        long n = correlatorFrames;
        long pixels = binPixelCounts.Sum(c => (long)c);
        int bins = binPixelCounts.Count;
        long cache = n * pixels * cacheBytesPerValue;
        long maps = bins * n * n * sizeof(double) + (bins > 0 ? n * n * sizeof(float) : 0);
        long paddedFrames = Pad(n);
        long work = paddedFrames * Pad(binPixelCounts.Count == 0 ? 0 : binPixelCounts.Max()) * sizeof(double)
                    + (paddedFrames == n ? 0 : paddedFrames * paddedFrames * sizeof(double));
        double madds = 0.5 * n * (n + 1) * (double)pixels;
        return new TwoTimeCost(n, pixels, bins, cache, maps, madds, work, multiTauBytes, Math.Max(1, threads));
    }

    private static long Pad(long count) => (count + 3) / 4 * 4;
}
