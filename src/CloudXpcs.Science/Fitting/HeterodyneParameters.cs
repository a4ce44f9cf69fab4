namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Parameters of the study's Eq. 1 for one q/χ bin: contrast β, heterodyne fraction h, relaxation time τ0,
/// stretching exponent γ and oscillation frequency ω.
/// </summary>
public readonly record struct HeterodyneParameters(double Beta, double H, double Tau0S, double Gamma, double OmegaRadPerS)
{
    /// <summary>Amplitude of the oscillating term at τ → 0: 2h(1−h)β.</summary>
    public double OscillationAmplitude => 2.0 * H * (1.0 - H) * Beta;

    /// <summary>Long-time baseline: 1 + β(1−h)².</summary>
    public double Baseline => 1.0 + Beta * (1.0 - H) * (1.0 - H);
}
