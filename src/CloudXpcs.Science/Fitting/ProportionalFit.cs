namespace CloudXpcs.Science.Fitting;

/// <summary>
/// Weighted least-squares line through the origin, y = k·x, weights 1/σ². The slope's standard error is
/// sqrt(1/Σ(x²/σ²)), scaled by sqrt(reduced χ²) when that exceeds 1 (scatter beyond the stated errors).
/// </summary>
internal readonly record struct ProportionalFit(double Slope, double SlopeErr, double ReducedChi2, int Count)
{
    public static ProportionalFit? Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma)
    {
        double sxx = 0, sxy = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = 1.0 / (sigma[i] * sigma[i]);
            if (!double.IsFinite(w) || !double.IsFinite(x[i]) || !double.IsFinite(y[i])) continue;
            sxx += w * x[i] * x[i];
            sxy += w * x[i] * y[i];
            n++;
        }
        if (n == 0 || !(sxx > 0)) return null;
        double k = sxy / sxx;
        double chi2 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = (y[i] - k * x[i]) / sigma[i];
            if (double.IsFinite(r)) chi2 += r * r;
        }
        double reduced = n > 1 ? chi2 / (n - 1) : double.NaN;
        double err = Math.Sqrt(1.0 / sxx) * (n > 1 ? Math.Sqrt(Math.Max(1.0, reduced)) : 1.0);
        return new ProportionalFit(k, err, reduced, n);
    }
}
