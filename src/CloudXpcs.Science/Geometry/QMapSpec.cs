namespace CloudXpcs.Science.Geometry;

/// <summary>q/χ binning of series.json "qmap" with the contract's defaults.</summary>
public sealed record QMapSpec(
    double QMinInvA = 0.0029,
    double QMaxInvA = 0.0192,
    int QBins = 9,
    int PhiBins = 18,
    int StaticPerDynamic = 4)
{
    public int DynamicBinCount => QBins * PhiBins;
    public int StaticBinCount => DynamicBinCount * StaticPerDynamic;

    public void Validate()
    {
        if (!double.IsFinite(QMinInvA) || !double.IsFinite(QMaxInvA) || QMinInvA < 0 || !(QMaxInvA > QMinInvA))
            throw new ArgumentException($"qmap needs 0 <= q_min_inv_A < q_max_inv_A (got {QMinInvA} .. {QMaxInvA})");
        if (QBins < 1 || PhiBins < 1 || StaticPerDynamic < 1)
            throw new ArgumentException($"qmap q_bins, phi_bins and static_per_dynamic must be >= 1 (got {QBins}, {PhiBins}, {StaticPerDynamic})");
        if ((long)QBins * PhiBins * StaticPerDynamic > 10_000_000)
            throw new ArgumentException("qmap has more than 1e7 static bins");
    }
}
