namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The heterodyne model (DATA_CONTRACT section 4, the study's Eq. 1):
/// g2 = 1 + β(1−h)² + h²β·E² + 2h(1−h)β·cos(ωτ)·E, E = exp(−(τ/τ0)^γ).
/// <para>
/// A multi-tau delay at level l is the correlation of frames binned by L = 2^l, i.e. the triangular (Fejér)
/// average of g2 over τ ± (L−1) frames. That average multiplies cos(ωτ) exactly by
/// F_L(ω) = [sin(Lωδ/2) / (L·sin(ωδ/2))]², δ = frame time. The model applies F_L to the oscillating term;
/// the smoothing of the slowly varying exponentials (relative width below 1/(d+1) of τ) is neglected.
/// With L = 1 (or δ = 0) F = 1 and the model is Eq. 1 as written.
/// </para>
/// </summary>
public static class HeterodyneModel
{
    /// <summary>g2 at one delay.</summary>
    public static double Evaluate(in HeterodyneParameters p, double delayS, int averagingFrames = 1, double frameTimeS = 0.0) =>
        Evaluate(p, delayS, FejerFactor(p.OmegaRadPerS, averagingFrames, frameTimeS, out _));

    /// <summary>g2 at one delay with the Fejér factor already computed.</summary>
    internal static double Evaluate(in HeterodyneParameters p, double delayS, double fejer)
    {
        double e = Math.Exp(-Math.Pow(delayS / p.Tau0S, p.Gamma));
        double c = Math.Cos(p.OmegaRadPerS * delayS) * fejer;
        return 1.0 + p.Beta * (1.0 - p.H) * (1.0 - p.H) + p.H * p.H * p.Beta * e * e + 2.0 * p.H * (1.0 - p.H) * p.Beta * c * e;
    }

    /// <summary>
    /// g2 at one delay and its gradient with respect to (β, h, ln τ0, γ, ω), written into <paramref name="gradient"/>
    /// (length ≥ 5). τ0 enters through u = ln τ0, which is how the fitters parametrise it.
    /// </summary>
    public static double EvaluateWithGradient(in HeterodyneParameters p, double delayS, int averagingFrames, double frameTimeS, Span<double> gradient)
    {
        double fejer = FejerFactor(p.OmegaRadPerS, averagingFrames, frameTimeS, out double dFejerDOmega);
        return EvaluateWithGradient(p, delayS, fejer, dFejerDOmega, gradient);
    }

    /// <summary>As above with the Fejér factor and its ω-derivative already computed (they depend only on ω and L).</summary>
    internal static double EvaluateWithGradient(in HeterodyneParameters p, double delayS, double fejer, double dFejerDOmega, Span<double> gradient)
    {
        double beta = p.Beta, h = p.H, omega = p.OmegaRadPerS;
        double x = delayS / p.Tau0S;
        double lnX = Math.Log(x);
        double s = Math.Exp(p.Gamma * lnX);
        double e = Math.Exp(-s);
        double cosWt = Math.Cos(omega * delayS);
        double c = cosWt * fejer;
        double oneMinusH = 1.0 - h;
        double g = 1.0 + beta * oneMinusH * oneMinusH + h * h * beta * e * e + 2.0 * h * oneMinusH * beta * c * e;

        gradient[0] = oneMinusH * oneMinusH + h * h * e * e + 2.0 * h * oneMinusH * c * e;
        gradient[1] = -2.0 * beta * oneMinusH + 2.0 * h * beta * e * e + 2.0 * beta * (1.0 - 2.0 * h) * c * e;
        double dgDE = 2.0 * h * h * beta * e + 2.0 * h * oneMinusH * beta * c;
        gradient[2] = dgDE * e * p.Gamma * s;          // ∂/∂ln τ0: ∂s/∂u = −γ s, ∂E/∂s = −E
        gradient[3] = -dgDE * e * s * lnX;             // ∂/∂γ: ∂s/∂γ = s ln x
        double dCdOmega = -delayS * Math.Sin(omega * delayS) * fejer + cosWt * dFejerDOmega;
        gradient[4] = 2.0 * h * oneMinusH * beta * e * dCdOmega;
        return g;
    }

    /// <summary>
    /// Fejér factor F_L(ω) = [sin(Lωδ/2) / (L sin(ωδ/2))]² by which averaging over L frames scales cos(ωτ), and dF/dω.
    /// </summary>
    public static double FejerFactor(double omegaRadPerS, int averagingFrames, double frameTimeS, out double derivative)
    {
        derivative = 0.0;
        if (averagingFrames <= 1 || frameTimeS <= 0.0) return 1.0;
        int l = averagingFrames;
        double a = 0.5 * omegaRadPerS * frameTimeS;
        double sinA = Math.Sin(a);
        if (Math.Abs(sinA) < 1e-9) return 1.0;
        double sinLa = Math.Sin(l * a);
        double f = sinLa / (l * sinA);
        double dfDa = (l * Math.Cos(l * a) * sinA - sinLa * Math.Cos(a)) / (l * sinA * sinA);
        derivative = 2.0 * f * dfDa * 0.5 * frameTimeS;
        return f * f;
    }
}
