namespace CloudXpcs.Science.Electrolyte;

/// <summary>
/// A transport property as a function of salt concentration (mol/m³). Outside <see cref="MinConcentrationMolPerM3"/>..
/// <see cref="MaxConcentrationMolPerM3"/> the curve is clamped (constant, zero slope); callers detect that from the range.
/// </summary>
public abstract class PropertyCurve
{
    public abstract double MinConcentrationMolPerM3 { get; }
    public abstract double MaxConcentrationMolPerM3 { get; }

    /// <summary>Value at <paramref name="concentrationMolPerM3"/> and its slope d(value)/dc.</summary>
    public abstract double Evaluate(double concentrationMolPerM3, out double slopePerMolPerM3);

    public double ValueAt(double concentrationMolPerM3) => Evaluate(concentrationMolPerM3, out _);

    public bool Covers(double concentrationMolPerM3) =>
        concentrationMolPerM3 >= MinConcentrationMolPerM3 && concentrationMolPerM3 <= MaxConcentrationMolPerM3;
}

/// <summary>
/// Monotone piecewise-cubic Hermite interpolation (Fritsch–Carlson slopes with the weighted harmonic mean, as in
/// PCHIP): no overshoot between table points, local extrema only at table points. One point = constant,
/// two points = linear.
/// </summary>
public sealed class MonotoneCubicCurve : PropertyCurve
{
    private readonly double[] _c;
    private readonly double[] _y;
    private readonly double[] _slope;

    public MonotoneCubicCurve(IReadOnlyList<double> concentrationMolPerM3, IReadOnlyList<double> values)
    {
        if (concentrationMolPerM3.Count == 0 || concentrationMolPerM3.Count != values.Count)
            throw new ArgumentException("a property table needs at least one row and as many values as concentrations");
        _c = concentrationMolPerM3.ToArray();
        _y = values.ToArray();
        for (int k = 1; k < _c.Length; k++)
            if (!(_c[k] > _c[k - 1]))
                throw new ArgumentException($"concentrations must increase strictly (row {k}: {_c[k]} after {_c[k - 1]})");
        _slope = PchipSlopes(_c, _y);
    }

    // A one-row table is a constant, valid at every concentration.
    public override double MinConcentrationMolPerM3 => _c.Length == 1 ? 0 : _c[0];
    public override double MaxConcentrationMolPerM3 => _c.Length == 1 ? double.PositiveInfinity : _c[^1];

    public override double Evaluate(double concentrationMolPerM3, out double slopePerMolPerM3)
    {
        double c = concentrationMolPerM3;
        if (_c.Length == 1 || c <= _c[0]) { slopePerMolPerM3 = 0; return _y[0]; }
        if (c >= _c[^1]) { slopePerMolPerM3 = 0; return _y[^1]; }
        int k = 0, hi = _c.Length - 1;
        while (hi - k > 1)
        {
            int mid = (k + hi) >> 1;
            if (_c[mid] <= c) k = mid; else hi = mid;
        }
        double h = _c[k + 1] - _c[k];
        double s = (c - _c[k]) / h, s2 = s * s, s3 = s2 * s;
        double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
        double d00 = (6 * s2 - 6 * s) / h, d10 = 3 * s2 - 4 * s + 1, d01 = (-6 * s2 + 6 * s) / h, d11 = 3 * s2 - 2 * s;
        slopePerMolPerM3 = d00 * _y[k] + d10 * _slope[k] + d01 * _y[k + 1] + d11 * _slope[k + 1];
        return h00 * _y[k] + h10 * h * _slope[k] + h01 * _y[k + 1] + h11 * h * _slope[k + 1];
    }

    private static double[] PchipSlopes(double[] x, double[] y)
    {
        int n = x.Length;
        var m = new double[n];
        if (n == 1) return m;
        var h = new double[n - 1];
        var delta = new double[n - 1];
        for (int k = 0; k < n - 1; k++) { h[k] = x[k + 1] - x[k]; delta[k] = (y[k + 1] - y[k]) / h[k]; }
        if (n == 2) { m[0] = m[1] = delta[0]; return m; }
        for (int k = 1; k < n - 1; k++)
        {
            if (delta[k - 1] * delta[k] <= 0) { m[k] = 0; continue; }
            double w1 = 2 * h[k] + h[k - 1], w2 = h[k] + 2 * h[k - 1];
            m[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
        }
        m[0] = EndSlope(h[0], h[1], delta[0], delta[1]);
        m[n - 1] = EndSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        return m;
    }

    // Three-point end slope, limited so that the end interval stays monotone (Moler, "Numerical Computing with MATLAB").
    private static double EndSlope(double h0, double h1, double d0, double d1)
    {
        double m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
        if (Math.Sign(m) != Math.Sign(d0)) return 0;
        if (Math.Sign(d0) != Math.Sign(d1) && Math.Abs(m) > 3 * Math.Abs(d0)) return 3 * d0;
        return m;
    }
}

/// <summary>Polynomial in concentration, Σ aₖ cᵏ (c in mol/m³), valid on a stated range and clamped outside it.</summary>
public sealed class PolynomialCurve : PropertyCurve
{
    private readonly double[] _coefficients;
    private readonly double _min, _max;

    /// <param name="coefficientsAscending">a₀, a₁, a₂, … for c in mol/m³.</param>
    public PolynomialCurve(IReadOnlyList<double> coefficientsAscending, double minConcentrationMolPerM3, double maxConcentrationMolPerM3)
    {
        if (coefficientsAscending.Count == 0) throw new ArgumentException("a polynomial needs at least one coefficient");
        if (!(maxConcentrationMolPerM3 > minConcentrationMolPerM3))
            throw new ArgumentException("polynomial validity range must have max > min");
        _coefficients = coefficientsAscending.ToArray();
        _min = minConcentrationMolPerM3;
        _max = maxConcentrationMolPerM3;
    }

    public override double MinConcentrationMolPerM3 => _min;
    public override double MaxConcentrationMolPerM3 => _max;

    public override double Evaluate(double concentrationMolPerM3, out double slopePerMolPerM3)
    {
        double c = Math.Clamp(concentrationMolPerM3, _min, _max);
        double value = 0, slope = 0;
        for (int k = _coefficients.Length - 1; k >= 0; k--)
        {
            slope = slope * c + value;
            value = value * c + _coefficients[k];
        }
        slopePerMolPerM3 = concentrationMolPerM3 < _min || concentrationMolPerM3 > _max ? 0 : slope;
        return value;
    }
}
