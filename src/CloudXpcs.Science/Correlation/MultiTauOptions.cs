namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Options of <see cref="MultiTauCorrelator"/>. A pixel shard is the half-open range [PixelStart, PixelEnd) of
/// row-major pixel indices; the per-shard partial sums merge exactly into the unsharded result.
/// </summary>
public sealed record MultiTauOptions
{
    public int DelaysPerLevel { get; init; } = 4;

    /// <summary>Threads used inside one correlator; ≤ 0 means all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    public int PixelStart { get; init; }

    /// <summary>
    /// Integer frames with few non-zero pixels are correlated as event lists (work in proportion to the photons, the
    /// same sums); false keeps every dense batch on the dense kernels.
    /// </summary>
    public bool EventPathForSparseFrames { get; init; } = true;

    /// <summary>Exclusive end of the pixel shard; −1 means the last pixel of the detector.</summary>
    public int PixelEnd { get; init; } = -1;

    /// <summary>Where the state memory comes from and goes back to (the host's pool); null: the correlator's own, freed when it ends.</summary>
    public CorrelatorStatePool? StatePool { get; init; }
}
