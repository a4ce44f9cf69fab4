namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The heterodyne model (DATA_CONTRACT section 4, the study's Eq. 1):
/// g2 = 1 + β(1−h)² + h²β·E² + 2h(1−h)β·cos(ωτ)·E, E = exp(−(τ/τ0)^γ).
/// <para>
/// A multi-tau delay at level l is the correlation of frames binned by L = 2^l, i.e. the triangular (Fejér)
/// average of g2 over τ + s, |s| ≤ (L−1) frames. That average multiplies cos(ωτ) exactly by
/// F_L(ω) = [sin(Lωδ/2) / (L·sin(ωδ/2))]², δ = frame time. Of the oscillating term cos(ω(τ+s))·E(τ+s) it keeps, to
/// first order in the slope of the envelope, F_L(ω)·cos(ωτ)·E(τ) + F_L′(ω)·sin(ωτ)·E′(τ) (the weights are symmetric,
/// so the average of s·cos(ω(τ+s)) is sin(ωτ)·F_L′(ω)). The second term is a phase lag that grows along the ladder
/// (≈ ωσ_L²/τ0, σ_L² = (L²−1)δ²/6); without it the fitted ω comes out low by 0.1–0.5 % when τ0 is a few hundred
/// frames (measured on correlated speckle series, speed-coverage bench). The second-order terms (E″, the smoothing of
/// E²) only reshape the envelope and are left to τ0 and γ. With L = 1 (or δ = 0) F = 1, F′ = 0: Eq. 1 as written.
/// </para>
/// </summary>
public static class HeterodyneModel
{
    /// <summary>g2 at one delay.</summary>
    public static double Evaluate(in HeterodyneParameters p, double delayS, int averagingFrames = 1, double frameTimeS = 0.0)
    {
        double fejer = FejerFactor(p.OmegaRadPerS, averagingFrames, frameTimeS, out double slope, out _);
        return Evaluate(p, delayS, new OscillationTerms(fejer, 0.0, 0.0, slope));
    }

    /// <summary>g2 at one delay with the coefficients of the oscillating term already computed (see <see cref="OscillationTerms"/>).</summary>
    internal static double Evaluate(in HeterodyneParameters p, double delayS, in OscillationTerms terms)
    {
        double s = Math.Pow(delayS / p.Tau0S, p.Gamma);
        double e = Math.Exp(-s);
        double slope = -p.Gamma * s * e / delayS;   // E′ = dE/dτ
        (double sinWt, double cosWt) = Math.SinCos(p.OmegaRadPerS * delayS);
        double osc = (cosWt * terms.CosOnE + sinWt * terms.SinOnE) * e + (cosWt * terms.CosOnSlope + sinWt * terms.SinOnSlope) * slope;
        return 1.0 + p.Beta * (1.0 - p.H) * (1.0 - p.H) + p.H * p.H * p.Beta * e * e + 2.0 * p.H * (1.0 - p.H) * p.Beta * osc;
    }

    /// <summary>
    /// g2 at one delay and its gradient with respect to (β, h, ln τ0, γ, ω), written into <paramref name="gradient"/>
    /// (length ≥ 5). τ0 enters through u = ln τ0, which is how the fitters parametrise it.
    /// </summary>
    public static double EvaluateWithGradient(in HeterodyneParameters p, double delayS, int averagingFrames, double frameTimeS, Span<double> gradient)
    {
        double fejer = FejerFactor(p.OmegaRadPerS, averagingFrames, frameTimeS, out double slope, out double curvature);
        return EvaluateWithGradient(p, delayS, new OscillationTerms(fejer, 0.0, 0.0, slope), new OscillationTerms(slope, 0.0, 0.0, curvature), gradient);
    }

    /// <summary>
    /// As above with the coefficients of the oscillating term and their ω-derivatives already computed (they depend only
    /// on ω, the averaging width and the bin's spread of ω).
    /// </summary>
    internal static double EvaluateWithGradient(in HeterodyneParameters p, double delayS, in OscillationTerms terms, in OscillationTerms dTermsDOmega,
        Span<double> gradient)
    {
        double beta = p.Beta, h = p.H, omega = p.OmegaRadPerS;
        double x = delayS / p.Tau0S;
        double lnX = Math.Log(x);
        double s = Math.Exp(p.Gamma * lnX);
        double e = Math.Exp(-s);
        double slope = -p.Gamma * s * e / delayS;                              // E′ = dE/dτ
        double dSlopeDU = p.Gamma * p.Gamma * s * e / delayS * (1.0 - s);        // ∂E′/∂ln τ0
        double dSlopeDGamma = -s * e / delayS * (1.0 + p.Gamma * lnX * (1.0 - s)); // ∂E′/∂γ
        (double sinWt, double cosWt) = Math.SinCos(omega * delayS);
        double c = cosWt * terms.CosOnE + sinWt * terms.SinOnE;               // on E
        double lag = cosWt * terms.CosOnSlope + sinWt * terms.SinOnSlope;     // on E′
        double oneMinusH = 1.0 - h;
        double osc = c * e + lag * slope;
        double g = 1.0 + beta * oneMinusH * oneMinusH + h * h * beta * e * e + 2.0 * h * oneMinusH * beta * osc;

        gradient[0] = oneMinusH * oneMinusH + h * h * e * e + 2.0 * h * oneMinusH * osc;
        gradient[1] = -2.0 * beta * oneMinusH + 2.0 * h * beta * e * e + 2.0 * beta * (1.0 - 2.0 * h) * osc;
        double dgDE = 2.0 * h * h * beta * e + 2.0 * h * oneMinusH * beta * c;
        double dgDSlope = 2.0 * h * oneMinusH * beta * lag;
        gradient[2] = dgDE * e * p.Gamma * s + dgDSlope * dSlopeDU;          // ∂/∂ln τ0: ∂s/∂u = −γ s, ∂E/∂s = −E
        gradient[3] = -dgDE * e * s * lnX + dgDSlope * dSlopeDGamma;         // ∂/∂γ: ∂s/∂γ = s ln x
        double dCdOmega = delayS * (cosWt * terms.SinOnE - sinWt * terms.CosOnE) + cosWt * dTermsDOmega.CosOnE + sinWt * dTermsDOmega.SinOnE;
        double dLagDOmega = delayS * (cosWt * terms.SinOnSlope - sinWt * terms.CosOnSlope) + cosWt * dTermsDOmega.CosOnSlope + sinWt * dTermsDOmega.SinOnSlope;
        gradient[4] = 2.0 * h * oneMinusH * beta * (e * dCdOmega + slope * dLagDOmega);
        return g;
    }

    /// <summary>
    /// Fejér factor F_L(ω) = [sin(Lωδ/2) / (L sin(ωδ/2))]² by which averaging over L frames scales cos(ωτ), and dF/dω.
    /// </summary>
    public static double FejerFactor(double omegaRadPerS, int averagingFrames, double frameTimeS, out double derivative) =>
        FejerFactor(omegaRadPerS, averagingFrames, frameTimeS, out derivative, out _);

    /// <summary>F_L(ω), dF/dω and d²F/dω².</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double FejerFactor(double omegaRadPerS, int averagingFrames, double frameTimeS, out double derivative, out double secondDerivative)
    {
        derivative = 0.0;
        secondDerivative = 0.0;
        if (averagingFrames <= 1 || frameTimeS <= 0.0) return 1.0;
        double a = 0.5 * omegaRadPerS * frameTimeS;
        (double sinA, double cosA) = Math.SinCos(a);
        (double sinLa, double cosLa) = Math.SinCos(averagingFrames * a);
        return FejerFactor(averagingFrames, frameTimeS, sinA, cosA, sinLa, cosLa, out derivative, out secondDerivative);
    }

    /// <summary>
    /// F_L(ω), dF/dω and d²F/dω² from the sine and cosine of a = ωδ/2 and of L·a (L ≥ 2, δ &gt; 0), for callers that
    /// step L along the ladder without new sines.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static double FejerFactor(int averagingFrames, double frameTimeS, double sinA, double cosA, double sinLa, double cosLa,
        out double derivative, out double secondDerivative)
    {
        derivative = 0.0;
        secondDerivative = 0.0;
        if (Math.Abs(sinA) < 1e-9) return 1.0;
        int l = averagingFrames;
        double f = sinLa / (l * sinA);
        // f = P/Q-style quotient: f_a = p/q with p = l cos(la) sin a − sin(la) cos a, q = l sin² a.
        double pa = l * cosLa * sinA - sinLa * cosA, qa = l * sinA * sinA;
        double dfDa = pa / qa;
        double dpDa = (1.0 - (double)l * l) * sinLa * sinA, dqDa = 2.0 * l * sinA * cosA;
        double d2fDa2 = (dpDa * qa - pa * dqDa) / (qa * qa);
        double half = 0.5 * frameTimeS;
        derivative = 2.0 * f * dfDa * half;
        secondDerivative = 2.0 * (dfDa * dfDa + f * d2fDa2) * half * half;
        return f * f;
    }
}
