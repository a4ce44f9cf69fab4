namespace CloudXpcs.Pipeline.Contracts;

/// <summary>Defaults shared by the ingest and the runs.</summary>
public static class PipelineDefaults
{
    public const long ShardPixelThreshold = 1L << 20;
    public const int MaxShards = 16;
    /// <summary>An incomplete series with no upload for this long is reported stale (run parameter stale_after_min).</summary>
    public const double StaleAfterMinutes = 120;

    /// <summary>Pixel shards for a detector of this size: 1 up to the threshold, then one per threshold's worth of pixels.</summary>
    public static int ShardsFor(long pixelsPerFrame, long? threshold)
    {
        long limit = threshold is > 0 ? threshold.Value : ShardPixelThreshold;
        return (int)Math.Clamp((pixelsPerFrame + limit - 1) / limit, 1, MaxShards);
    }
}
