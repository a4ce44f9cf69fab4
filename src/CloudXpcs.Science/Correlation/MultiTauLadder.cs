namespace CloudXpcs.Science.Correlation;

/// <summary>One correlation lag: k in units of 2^level frames at the given level, τ = k·2^level frames.</summary>
public readonly record struct MultiTauLag(int Level, int K)
{
    public long LagFrames => (long)K << Level;
}

/// <summary>The lag ladder of DATA_CONTRACT section 3.</summary>
public static class MultiTauLadder
{
    /// <summary>Number of binned frames at a level: M_l = floor(N / 2^l).</summary>
    public static long BinnedFrames(long frames, int level) => frames >> level;

    public static IReadOnlyList<MultiTauLag> Create(long frames, int delaysPerLevel)
    {
        if (frames < 0) throw new ArgumentOutOfRangeException(nameof(frames));
        if (delaysPerLevel < 1) throw new ArgumentOutOfRangeException(nameof(delaysPerLevel), "delays_per_level must be >= 1");
        var lags = new List<MultiTauLag>();
        for (int k = 1; k <= 2 * delaysPerLevel && frames - k >= 1; k++) lags.Add(new MultiTauLag(0, k));
        for (int level = 1; level < 62; level++)
        {
            long m = BinnedFrames(frames, level);
            if (m - (delaysPerLevel + 1) < 1) break;
            for (int k = delaysPerLevel + 1; k <= 2 * delaysPerLevel && m - k >= 1; k++) lags.Add(new MultiTauLag(level, k));
        }
        return lags;
    }
}
