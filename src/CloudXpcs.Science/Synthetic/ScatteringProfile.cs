namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Shape of the mean scattered intensity versus q: I(q) ∝ (1 + (q/q_knee)²)^(−a/2), a power law q^−a above the knee
/// that stays finite at the beam centre. a = 0 is a flat profile. Only the shape matters: the simulator scales it to
/// the requested mean count rate.
/// </summary>
public sealed record ScatteringProfile(double PowerLawExponent, double KneeQInvA = 0.002)
{
    public static ScatteringProfile Flat { get; } = new(0.0);

    public double RelativeIntensity(double qInvA) =>
        PowerLawExponent == 0.0 ? 1.0 : Math.Pow(1.0 + qInvA * qInvA / (KneeQInvA * KneeQInvA), -0.5 * PowerLawExponent);

    public void Validate()
    {
        if (!double.IsFinite(PowerLawExponent) || PowerLawExponent < 0 || PowerLawExponent > 8)
            throw new ArgumentException($"scattering power-law exponent must be in [0, 8] (got {PowerLawExponent})");
        if (!(KneeQInvA > 0) || !double.IsFinite(KneeQInvA))
            throw new ArgumentException($"scattering knee q must be positive (got {KneeQInvA})");
    }
}
