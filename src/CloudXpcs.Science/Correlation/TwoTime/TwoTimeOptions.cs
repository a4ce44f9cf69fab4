namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// How a series enters the two-time correlator, as the APS layout's /xpcs/twotime/config names it: every
/// <see cref="StrideFrames"/>-th raw frame is taken and <see cref="AverageFrames"/> consecutive taken frames are averaged
/// into one correlator frame, so N = ⌊raw frames / (stride · avg)⌋ (boost_corr's rounding).
/// </summary>
public sealed record TwoTimeOptions
{
    public int AverageFrames { get; init; } = 1;
    public int StrideFrames { get; init; } = 1;

    /// <summary>The dynamic bins to correlate (0-based q-map bins, increasing); null: every populated bin.</summary>
    public IReadOnlyList<int>? Bins { get; init; }

    /// <summary>Consecutive segments of the diagonal g2 (/xpcs/twotime/normalized_g2_segments; boost_corr: 5).</summary>
    public int Segments { get; init; } = 5;

    public void Validate()
    {
        if (AverageFrames < 1) throw new ArgumentException($"avg_frame must be >= 1 (got {AverageFrames})");
        if (StrideFrames < 1) throw new ArgumentException($"stride_frame must be >= 1 (got {StrideFrames})");
        if (Segments < 1) throw new ArgumentException($"two-time segments must be >= 1 (got {Segments})");
    }

    /// <summary>Correlator frames from <paramref name="rawFrames"/> raw frames.</summary>
    public long CorrelatorFrames(long rawFrames) => rawFrames / ((long)StrideFrames * AverageFrames);
}
