namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The relaxation of one q bin without flow: g2(τ) = baseline + β·exp(−2(τ/τ0)^γ) (the homodyne limit h → 0 of
/// Eq. 1). Errors are 1σ from the weighted least-squares covariance, scaled by √χ²_red when χ²_red &gt; 1.
/// Null parameters: not fitted (see <see cref="Reason"/>).
/// </summary>
public sealed record RelaxationFit
{
    public required int Bin { get; init; }
    public required double QInvA { get; init; }
    public required double ChiDeg { get; init; }
    /// <summary>Delays that entered the fit (finite g2 &gt; 0 with a positive error).</summary>
    public required int DelayCount { get; init; }
    /// <summary>True when τ0 lies within the measured delays, the contrast is positive beyond its error, the model describes the data
    /// (χ²_red ≤ <see cref="RelaxationFitter.MaxReducedChi2"/>) and no parameter sits at the bound of its range.</summary>
    public required bool Resolved { get; init; }
    public string? Reason { get; init; }
    public double? Tau0S { get; init; }
    public double? Tau0ErrS { get; init; }
    public double? Gamma { get; init; }
    public double? GammaErr { get; init; }
    public double? Contrast { get; init; }
    public double? ContrastErr { get; init; }
    public double? Baseline { get; init; }
    public double? BaselineErr { get; init; }
    public double ReducedChi2 { get; init; } = double.NaN;
}
