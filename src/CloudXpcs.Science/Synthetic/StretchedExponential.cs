namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Field (first-order) correlation of the sample's scattered field, f(τ) = exp(−(|τ|/τ0)^γ): γ &lt; 1 stretched,
/// γ = 1 simple, γ &gt; 1 compressed exponential. It is a valid (positive-definite) correlation function only for
/// 0 &lt; γ ≤ 2, so other γ are rejected.
/// </summary>
public sealed record StretchedExponential(double Tau0S, double Gamma)
{
    public double At(double tauS) => Math.Exp(-Math.Pow(Math.Abs(tauS) / Tau0S, Gamma));

    public void Validate()
    {
        if (!(Tau0S > 0) || !double.IsFinite(Tau0S)) throw new ArgumentException($"tau0_s must be positive and finite (got {Tau0S})");
        if (!(Gamma > 0 && Gamma <= 2)) throw new ArgumentException($"gamma must be in (0, 2]: exp(-(t/tau0)^gamma) is not a correlation function otherwise (got {Gamma})");
    }
}
