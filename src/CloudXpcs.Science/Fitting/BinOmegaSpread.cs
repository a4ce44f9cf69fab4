namespace CloudXpcs.Science.Fitting;

/// <summary>
/// The spread of ω = v·q·|cos χ| over the pixels of one q/χ bin, as relative half-widths of uniform distributions in q
/// and in |cos χ| about the bin centre. The bin's g2 averages cos(ω_p τ) over its pixels; for ω uniform in
/// ω_c·(1 ± a) that average is cos(ω_c τ)·sinc(a·ω_c·τ), so the oscillation dephases within the bin. With the q and
/// χ spreads independent the factor is sinc(a_q ω τ)·sinc(a_χ ω τ). Without it, a fit of wide bins at high speed
/// takes the dephasing for damping and ω is biased (seen on correlated speckle series, several % at 55 Å/s with
/// 4 q bins over the detector).
/// </summary>
public readonly record struct BinOmegaSpread(double RelativeHalfWidthQ, double RelativeHalfWidthChi, double MeanAbsCosChi = double.NaN)
{
    public bool IsZero => RelativeHalfWidthQ == 0 && RelativeHalfWidthChi == 0;

    /// <summary>
    /// The spread of a bin centred at (q, χ) with full widths Δq and Δχ (equal-width bins, DATA_CONTRACT section 2):
    /// a_q = Δq/(2q); a_χ = half the range of |cos χ| over the bin divided by the mean of |cos χ| over the bin (pixels
    /// are uniform in χ), which is the projection the bin's mean ω carries (infinite when that mean is 0).
    /// </summary>
    public static BinOmegaSpread OfBin(double qInvA, double chiDeg, double qWidthInvA, double chiWidthDeg)
    {
        if (!(qWidthInvA >= 0) || !(chiWidthDeg >= 0)) throw new ArgumentOutOfRangeException(nameof(qWidthInvA), "bin widths must be non-negative");
        double aq = qInvA > 0 ? 0.5 * qWidthInvA / qInvA : 0.0;
        double lo = chiDeg - 0.5 * chiWidthDeg, hi = chiDeg + 0.5 * chiWidthDeg;
        double cMax = Math.Max(AbsCos(lo), AbsCos(hi)), cMin = Math.Min(AbsCos(lo), AbsCos(hi));
        // |cos χ| peaks at χ = 0, ±180 and vanishes at ±90: include them when inside the bin.
        for (double k = -360; k <= 360; k += 90)
            if (k > lo && k < hi) { double c = AbsCos(k); cMax = Math.Max(cMax, c); cMin = Math.Min(cMin, c); }
        if (chiWidthDeg == 0) return new BinOmegaSpread(aq, 0.0);
        const int steps = 512;   // midpoint rule: relative error ~1e-6 for the bin widths in use
        double mean = 0;
        for (int k = 0; k < steps; k++) mean += AbsCos(lo + (k + 0.5) * chiWidthDeg / steps);
        mean /= steps;
        double achi = mean > 1e-12 ? 0.5 * (cMax - cMin) / mean : double.PositiveInfinity;
        return new BinOmegaSpread(aq, achi, mean);
    }

    private static double AbsCos(double deg) => Math.Abs(Math.Cos(deg * Math.PI / 180.0));

    /// <summary>sinc(a_q ω τ)·sinc(a_χ ω τ) and its derivative in ω.</summary>
    public double Dephasing(double omegaRadPerS, double delayS, out double derivative)
    {
        double sq = Sinc(RelativeHalfWidthQ * omegaRadPerS * delayS, out double dq);
        if (double.IsPositiveInfinity(RelativeHalfWidthChi))
        {
            derivative = 0.0;   // a bin centred on |cos χ| = 0: no oscillation survives the averaging
            return 0.0;
        }
        double sc = Sinc(RelativeHalfWidthChi * omegaRadPerS * delayS, out double dc);
        derivative = dq * RelativeHalfWidthQ * delayS * sc + sq * dc * RelativeHalfWidthChi * delayS;
        return sq * sc;
    }

    /// <summary>
    /// ∂/∂τ of <see cref="Dephasing"/> (the slope of the dephasing envelope along the delays) and its derivative in ω.
    /// The dephasing depends on ωτ only: ∂D/∂τ = ω·(a_q sinc′_q sinc_χ + a_χ sinc_q sinc′_χ).
    /// </summary>
    public double DelaySlope(double omegaRadPerS, double delayS, out double derivative)
    {
        derivative = 0.0;
        if (double.IsPositiveInfinity(RelativeHalfWidthChi) || IsZero) return 0.0;
        double aq = RelativeHalfWidthQ, ac = RelativeHalfWidthChi;
        double sq = Sinc(aq * omegaRadPerS * delayS, out double dq, out double ddq);
        double sc = Sinc(ac * omegaRadPerS * delayS, out double dc, out double ddc);
        double inner = aq * dq * sc + ac * sq * dc;
        double dInner = aq * (ddq * aq * delayS * sc + dq * dc * ac * delayS) + ac * (dq * aq * delayS * dc + sq * ddc * ac * delayS);
        derivative = inner + omegaRadPerS * dInner;
        return omegaRadPerS * inner;
    }

    private static double Sinc(double u, out double derivative, out double secondDerivative)
    {
        double s = Sinc(u, out derivative);
        // sinc″ = −sinc − 2 sinc′/u (series −1/3 + u²/10 near 0).
        secondDerivative = Math.Abs(u) < 1e-3 ? -1.0 / 3.0 + u * u / 10.0 : -s - 2.0 * derivative / u;
        return s;
    }

    /// <summary>sin(u)/u and its derivative.</summary>
    private static double Sinc(double u, out double derivative)
    {
        if (Math.Abs(u) < 1e-4)
        {
            derivative = -u / 3.0;
            return 1.0 - u * u / 6.0;
        }
        double s = Math.Sin(u), c = Math.Cos(u);
        derivative = (u * c - s) / (u * u);
        return s / u;
    }
}
