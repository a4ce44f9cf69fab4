namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// What a two-time correlation costs, known before any frame is read: the frame cache (N correlator frames × the
/// processed bins' pixels, float64), the maps held until written (N² float64 per bin while it is computed, N² float32 per
/// processed bin in the result file's image), and the multiply-adds of the frame products (N²·P/2 per bin, symmetric).
/// </summary>
public sealed record TwoTimeCost(long CorrelatorFrames, long Pixels, int Bins, long CacheBytes, long MapBytes, double MultiplyAdds)
{
    public long TotalBytes => CacheBytes + MapBytes;

    public static TwoTimeCost Of(long correlatorFrames, IReadOnlyList<int> binPixelCounts, int threads = 1)
    {
        long n = correlatorFrames;
        long pixels = binPixelCounts.Sum(c => (long)c);
        int bins = binPixelCounts.Count;
        long cache = n * pixels * sizeof(double);
        long maps = bins * n * n * sizeof(float) + Math.Max(1, Math.Min(bins, threads)) * n * n * sizeof(double);
        double madds = 0.5 * n * (n + 1) * (double)pixels;
        return new TwoTimeCost(n, pixels, bins, cache, maps, madds);
    }
}
