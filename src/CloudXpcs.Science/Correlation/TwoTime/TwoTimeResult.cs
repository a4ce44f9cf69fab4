namespace CloudXpcs.Science.Correlation.TwoTime;

/// <summary>
/// The two-time maps of the processed bins of one series (or one group of its bins), with the frame selection that
/// made them. <see cref="FrameTimeS"/> is the raw frame time; a correlator frame lasts FrameTimeS · stride · avg.
/// Results of disjoint bin groups of the same series merge exactly (<see cref="Merge"/>): each map depends only on
/// its own bin's pixels.
/// </summary>
public sealed record TwoTimeResult(int AverageFrames, int StrideFrames, int Frames, double FrameTimeS, IReadOnlyList<TwoTimeBinMap> Maps)
{
    public double CorrelatorFrameTimeS => FrameTimeS * StrideFrames * AverageFrames;

    /// <summary>Computes every processed bin of a correlator that has all its frames.</summary>
    public static TwoTimeResult Of(TwoTimeCorrelator correlator, double frameTimeS) =>
        new(correlator.Options.AverageFrames, correlator.Options.StrideFrames, correlator.Frames, frameTimeS, correlator.ComputeBins().ToList());

    /// <summary>The maps of several bin groups of one series, in bin order; the groups must agree on frames and not share a bin.</summary>
    public static TwoTimeResult Merge(IReadOnlyList<TwoTimeResult> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("nothing to merge", nameof(parts));
        var first = parts[0];
        foreach (var p in parts)
            if (p.AverageFrames != first.AverageFrames || p.StrideFrames != first.StrideFrames || p.Frames != first.Frames || p.FrameTimeS != first.FrameTimeS)
                throw new ArgumentException("two-time parts of different frame selections");
        var maps = parts.SelectMany(p => p.Maps).OrderBy(m => m.Bin).ToList();
        for (int k = 1; k < maps.Count; k++)
            if (maps[k].Bin == maps[k - 1].Bin) throw new ArgumentException($"bin {maps[k].Bin} is in two two-time parts");
        return first with { Maps = maps };
    }
}
