namespace CloudXpcs.Science.Continuum;

internal static class LinearInterpolation
{
    /// <summary>Piecewise-linear y(x) on increasing xs, constant beyond the ends.</summary>
    public static double At(double[] xs, double[] ys, double x)
    {
        int k = Array.BinarySearch(xs, x);
        if (k >= 0) return ys[k];
        k = ~k;
        if (k == 0) return ys[0];
        if (k == xs.Length) return ys[^1];
        double s = (x - xs[k - 1]) / (xs[k] - xs[k - 1]);
        return ys[k - 1] + s * (ys[k] - ys[k - 1]);
    }
}
