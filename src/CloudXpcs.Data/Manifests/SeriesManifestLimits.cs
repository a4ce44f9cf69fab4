namespace CloudXpcs.Data.Manifests;

/// <summary>Upper bounds that reject absurd series before anything is allocated or read.</summary>
/// <param name="MaxPixelsPerFrame">rows × cols; default 2^26 (8192 × 8192).</param>
/// <param name="MaxPixelValuesPerSeries">frames × rows × cols; default 2^40 (about 1.1e12 values).</param>
public sealed record SeriesManifestLimits(long MaxPixelsPerFrame = 1L << 26, long MaxPixelValuesPerSeries = 1L << 40)
{
    public static SeriesManifestLimits Default { get; } = new();
}
