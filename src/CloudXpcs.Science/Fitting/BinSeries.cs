namespace CloudXpcs.Science.Fitting;

/// <summary>The finite points of one bin's g2 curve: delays, values, errors and multi-tau averaging widths.</summary>
internal sealed class BinSeries
{
    public BinSeries(double[] delaysS, double[] g2, double[] g2Err, int[] averagingFrames, double frameTimeS,
        BinOmegaSpread spread = default)
    {
        Spread = spread;
        DelaysS = delaysS;
        G2 = g2;
        G2Err = g2Err;
        AveragingFrames = averagingFrames;
        FrameTimeS = frameTimeS;
        Weights = new double[g2Err.Length];
        for (int i = 0; i < g2Err.Length; i++) Weights[i] = 1.0 / (g2Err[i] * g2Err[i]);
    }

    public double[] DelaysS { get; }
    public double[] G2 { get; }
    public double[] G2Err { get; }
    /// <summary>Inverse variances 1/σ².</summary>
    public double[] Weights { get; }
    public int[] AveragingFrames { get; }
    public double FrameTimeS { get; }
    /// <summary>The spread of ω over the bin's pixels (zero: every pixel at the bin centre).</summary>
    public BinOmegaSpread Spread { get; }
    public int Count => DelaysS.Length;
    public double LongestDelayS => DelaysS[^1];
    public double ShortestDelayS => DelaysS[0];

    /// <summary>Keeps the points with positive delay, finite g2 and finite g2_err &gt; 0.</summary>
    public static BinSeries FromColumn(ReadOnlySpan<double> delaysS, Func<int, double> g2At, Func<int, double> errAt,
        ReadOnlySpan<int> averagingFrames, double frameTimeS, BinOmegaSpread spread = default)
    {
        var d = new List<double>(delaysS.Length);
        var y = new List<double>(delaysS.Length);
        var e = new List<double>(delaysS.Length);
        var l = new List<int>(delaysS.Length);
        for (int t = 0; t < delaysS.Length; t++)
        {
            double g = g2At(t), s = errAt(t);
            if (!(delaysS[t] > 0) || !double.IsFinite(g) || !double.IsFinite(s) || !(s > 0)) continue;
            d.Add(delaysS[t]);
            y.Add(g);
            e.Add(s);
            l.Add(averagingFrames.IsEmpty ? 1 : Math.Max(1, averagingFrames[t]));
        }
        return new BinSeries(d.ToArray(), y.ToArray(), e.ToArray(), l.ToArray(), frameTimeS, spread);
    }

    /// <summary>Weighted χ² of the model with the given parameters.</summary>
    public double ChiSquare(in HeterodyneParameters p)
    {
        double chi2 = 0;
        var fejer = new FejerCache(p.OmegaRadPerS, FrameTimeS);
        for (int i = 0; i < Count; i++)
        {
            double f = OscillationFactors(i, p.OmegaRadPerS, ref fejer, out _, out double lag, out _, out double lagOnE, out _);
            double r = G2[i] - HeterodyneModel.Evaluate(p, DelaysS[i], f, lag, lagOnE);
            chi2 += r * r * Weights[i];
        }
        return chi2;
    }

    /// <summary>
    /// The factor on cos(ωτ) at point <paramref name="i"/>: the multi-tau averaging (Fejér) factor times the dephasing
    /// of the bin's spread of ω, and its derivative in ω.
    /// </summary>
    public double OscillationFactor(int i, double omegaRadPerS, ref FejerCache fejer, out double derivative) =>
        OscillationFactors(i, omegaRadPerS, ref fejer, out derivative, out _, out _, out _, out _);

    /// <summary>
    /// As <see cref="OscillationFactor"/>, plus the phase lag of the multi-tau average over a sloping envelope E·D (see
    /// <see cref="HeterodyneModel"/>), F′(ω)·sin(ωτ)·(E′D + E·∂D/∂τ): the factor F′D on sin(ωτ)·E′ and F′·∂D/∂τ on
    /// sin(ωτ)·E, each with its derivative in ω.
    /// </summary>
    public double OscillationFactors(int i, double omegaRadPerS, ref FejerCache fejer, out double derivative,
        out double lag, out double lagDerivative, out double lagOnEnvelope, out double lagOnEnvelopeDerivative)
    {
        double f = fejer.Factor(AveragingFrames[i], out double df, out double d2f);
        if (Spread.IsZero)
        {
            derivative = df;
            lag = df;
            lagDerivative = d2f;
            lagOnEnvelope = lagOnEnvelopeDerivative = 0.0;
            return f;
        }
        double s = Spread.Dephasing(omegaRadPerS, DelaysS[i], out double ds);
        derivative = df * s + f * ds;
        lag = df * s;
        lagDerivative = d2f * s + df * ds;
        if (df == 0.0)
        {
            lagOnEnvelope = lagOnEnvelopeDerivative = 0.0;
            return f * s;
        }
        double slope = Spread.DelaySlope(omegaRadPerS, DelaysS[i], out double dSlope);
        lagOnEnvelope = df * slope;
        lagOnEnvelopeDerivative = d2f * slope + df * dSlope;
        return f * s;
    }
}
