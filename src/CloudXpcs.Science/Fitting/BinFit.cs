namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The heterodyne fit of one q/χ bin. Bins that could not be fitted, or whose oscillation is not measurable,
/// are kept with <see cref="Ok"/> = false and a <see cref="Reason"/>; they take no part in the speed.
/// </summary>
public sealed record BinFit
{
    public required int Bin { get; init; }
    public required double QInvA { get; init; }
    public required double ChiDeg { get; init; }
    public required int PixelCount { get; init; }
    /// <summary>Delays with finite g2 and g2_err &gt; 0 that entered the fit.</summary>
    public required int DelayCount { get; init; }
    public required bool Ok { get; init; }
    /// <summary>Why the bin is not ok, or why an ok bin was left out of the speed; null otherwise.</summary>
    public string? Reason { get; init; }
    /// <summary>Best-fit parameters; null when the bin was not fitted at all.</summary>
    public HeterodyneParameters? Parameters { get; init; }
    /// <summary>Standard errors of the parameters (covariance scaled by the reduced χ²); null when not fitted.</summary>
    public HeterodyneParameters? StandardErrors { get; init; }
    public double ReducedChi2 { get; init; } = double.NaN;
    /// <summary>Whether the bin's ω entered the shared-speed fit (ok and not an outlier of the ω ∝ q|cos χ| line).</summary>
    public bool UsedForSpeed { get; init; }

    /// <summary>Mean of |cos χ| over the bin's χ range when the bin width is known; null: |cos χ| at the bin centre.</summary>
    public double? MeanAbsCosChi { get; init; }

    /// <summary>q·|cos χ| (Å⁻¹), |cos χ| averaged over the bin when its width is known: ω = speed · this (Eq. 2).</summary>
    public double ProjectedQInvA => QInvA * (MeanAbsCosChi ?? Math.Abs(Math.Cos(ChiDeg * Math.PI / 180.0)));
}
