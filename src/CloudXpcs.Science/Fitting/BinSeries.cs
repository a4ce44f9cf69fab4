namespace CloudXpcs.Science.Fitting;

/// <summary>The finite points of one bin's g2 curve: delays, values, errors and multi-tau averaging widths.</summary>
internal sealed class BinSeries
{
    public BinSeries(double[] delaysS, double[] g2, double[] g2Err, int[] averagingFrames, double frameTimeS,
        BinOmegaSpread? spread = null)
    {
        Spread = spread ?? BinOmegaSpread.Point;
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
    /// <summary>The spread of ω over the bin's pixels (<see cref="BinOmegaSpread.Point"/>: every pixel at the bin centre).</summary>
    public BinOmegaSpread Spread { get; }
    public int Count => DelaysS.Length;
    public double LongestDelayS => DelaysS[^1];
    public double ShortestDelayS => DelaysS[0];

    /// <summary>Keeps the points with positive delay, finite g2 and finite g2_err &gt; 0.</summary>
    public static BinSeries FromColumn(ReadOnlySpan<double> delaysS, Func<int, double> g2At, Func<int, double> errAt,
        ReadOnlySpan<int> averagingFrames, double frameTimeS, BinOmegaSpread? spread = null)
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
        // Line searches call this many times per fit: one oscillation is kept for them (taken, so that threads sharing
        // this bin each use their own).
        var oscillation = Interlocked.Exchange(ref _chiSquareOscillation, null) ?? Oscillation(p.OmegaRadPerS);
        oscillation.Retune(p.OmegaRadPerS);
        for (int i = 0; i < Count; i++)
        {
            double r = G2[i] - HeterodyneModel.Evaluate(p, DelaysS[i], oscillation.Terms(AveragingFrames[i], DelaysS[i], out _));
            chi2 += r * r * Weights[i];
        }
        Volatile.Write(ref _chiSquareOscillation, oscillation);
        return chi2;
    }

    private BinOscillation? _chiSquareOscillation;

    /// <summary>The oscillating term of this bin at <paramref name="omegaRadPerS"/> (= v·ū), point by point.</summary>
    public BinOscillation Oscillation(double omegaRadPerS) => new(Spread, omegaRadPerS, FrameTimeS);

    /// <summary>g2 at point <paramref name="i"/> and its gradient (see <see cref="HeterodyneModel.EvaluateWithGradient(in HeterodyneParameters, double, int, double, Span{double})"/>).</summary>
    public double EvaluateWithGradient(int i, in HeterodyneParameters p, BinOscillation oscillation, Span<double> gradient)
    {
        var terms = oscillation.Terms(AveragingFrames[i], DelaysS[i], out var derivative);
        return HeterodyneModel.EvaluateWithGradient(p, DelaysS[i], terms, derivative, gradient);
    }
}
