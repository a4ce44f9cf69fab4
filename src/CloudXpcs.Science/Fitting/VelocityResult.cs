namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The series speed (|v|, Å/s; g2 carries cos ωτ so the sign is not measured). When no oscillation is resolvable
/// <see cref="Resolvable"/> is false, the speed fields are null and <see cref="Reason"/> says why;
/// <see cref="MinResolvableSpeedAPerS"/> is the smallest speed this series could resolve.
/// </summary>
public sealed record VelocityResult
{
    public required bool Resolvable { get; init; }
    /// <summary>Speed from the joint fit of all usable bins with one shared speed; null when not resolvable.</summary>
    public double? SpeedAPerS { get; init; }
    /// <summary>Standard error of <see cref="SpeedAPerS"/>; null when not resolvable.</summary>
    public double? SpeedErrAPerS { get; init; }
    /// <summary>
    /// Speed whose ω gives <see cref="FitOptions.MinPeriodsResolvable"/> periods over the longest usable delay at the
    /// highest q·|cos χ| of the bins that could be fitted; null when no bin could be fitted.
    /// </summary>
    public double? MinResolvableSpeedAPerS { get; init; }
    public required string Method { get; init; }
    /// <summary>Why the speed is not resolvable; null when it is.</summary>
    public string? Reason { get; init; }
    public int UsedBinCount { get; init; }
    /// <summary>The test against the no-flow model that decides <see cref="Resolvable"/>; null when no speed was fitted.</summary>
    public FlowResolvability? Resolvability { get; init; }
    /// <summary>Reduced χ² of the joint g2 fit (NaN when it did not run).</summary>
    public double JointReducedChi2 { get; init; } = double.NaN;
    /// <summary>Diagnostic: the joint fit's model-based error (covariance from g2_err scaled by sqrt(reduced χ²)); null when it did not run.</summary>
    public double? JointModelSpeedErrAPerS { get; init; }
    /// <summary>Diagnostic: the joint fit's bin-robust (delete-one-bin jackknife) error; null when it did not run.</summary>
    public double? JointBinRobustSpeedErrAPerS { get; init; }
    /// <summary>Diagnostic: the joint fit's model-based error scaled by the mean squared standardised bin score; null when it did not run.</summary>
    public double? JointBinScaledSpeedErrAPerS { get; init; }
    /// <summary>Diagnostic: weighted fit through the origin of per-bin ω against q·|cos χ| (the χ- and q-scaled master curve).</summary>
    public double? MasterCurveSpeedAPerS { get; init; }
    public double? MasterCurveSpeedErrAPerS { get; init; }
    /// <summary>Diagnostic: weighted fit through the origin of the per-q amplitudes Ω_q (ω = Ω_q|cos χ|) against q.</summary>
    public double? OmegaVsQSpeedAPerS { get; init; }
    public double? OmegaVsQSpeedErrAPerS { get; init; }
}

/// <summary>
/// Per-q diagnostic (Eq. 2 at one q): the weighted fit through the origin of ω against |cos χ| over the q's usable
/// bins gives the amplitude Ω_q = q·v_q. Errors are scaled by sqrt(reduced χ²) when that exceeds 1.
/// </summary>
public sealed record PerQVelocity(double QInvA, int BinsUsed, double? OmegaAmplitudeRadPerS, double? OmegaAmplitudeErrRadPerS,
    double? SpeedAPerS, double? SpeedErrAPerS);

/// <summary>Everything fitted for one series: per-bin fits, per-q diagnostics and the series velocity.</summary>
public sealed record SeriesFit(IReadOnlyList<BinFit> Bins, IReadOnlyList<PerQVelocity> PerQ, VelocityResult Velocity);
