namespace CloudXpcs.Reporting.Figures;

/// <summary>Interpolation and sampling helpers for drawing predictions at measured times and positions.</summary>
internal static class Grids
{
    /// <summary>
    /// Linear interpolation of y(x) at <paramref name="at"/> on ascending <paramref name="x"/>; NaN outside the range
    /// (a prediction is never extrapolated).
    /// </summary>
    public static double Interpolate(IReadOnlyList<double> x, IReadOnlyList<double> y, double at)
    {
        if (x.Count == 0 || at < x[0] || at > x[^1]) return double.NaN;
        int hi = 1;
        while (hi < x.Count && x[hi] < at) hi++;
        if (hi >= x.Count) return y[^1];
        int lo = hi - 1;
        if (at == x[lo]) return y[lo];
        double w = (at - x[lo]) / (x[hi] - x[lo]);
        return y[lo] + w * (y[hi] - y[lo]);
    }

    /// <summary>Index of the value in <paramref name="values"/> nearest to <paramref name="target"/>.</summary>
    public static int Nearest(IReadOnlyList<double> values, double target)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
            if (Math.Abs(values[i] - target) < Math.Abs(values[best] - target)) best = i;
        return best;
    }

    /// <summary><paramref name="count"/> points spaced evenly in log between two positive bounds.</summary>
    public static double[] LogSpaced(double from, double to, int count)
    {
        double a = Math.Log(from), b = Math.Log(to);
        return Enumerable.Range(0, count).Select(i => Math.Exp(a + (b - a) * i / (count - 1))).ToArray();
    }

    /// <summary>Distinct values, treating values within <paramref name="tolerance"/> of each other as one, ascending.</summary>
    public static double[] DistinctWithin(IEnumerable<double> values, double tolerance)
    {
        var result = new List<double>();
        foreach (double v in values.Order())
            if (result.Count == 0 || v - result[^1] > tolerance) result.Add(v);
        return result.ToArray();
    }

    public static string Number(double value, string format) => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
