using CloudXpcs.Science.Absorption;
using MathNet.Numerics.Distributions;

namespace CloudXpcs.Science.Synthetic;

/// <summary>
/// Forward model of one XAM raster scan: the true absorbance at x is A(x) = A_blank(x) + S·c(x) (S = absorbance per mol/L,
/// e.g. <see cref="OpticalConstants.SensitivityPerM"/>; A_blank includes windows, salt-free polymer and the ln of the
/// i0/it detector-efficiency ratio). The incident flux drifts as i0Mean·drift(k) with k the raster-point index; the
/// monitor counts i0 ~ Poisson(flux) and the transmitted counts it ~ Poisson(flux·exp(−A(x))).
/// </summary>
public sealed record XamScanSpec(
    double TimeMin,
    IReadOnlyList<double> PositionsMm,
    Func<double, double> ConcentrationM,
    double SensitivityPerM,
    Func<double, double> BlankAbsorbance,
    double IncidentCountsMean,
    Func<int, double>? RelativeFluxDrift = null,
    double MinutesPerPoint = 0);

/// <summary>Draws XAM scans from <see cref="XamScanSpec"/> with Poisson counting noise from a seeded generator.</summary>
public sealed class XamScanSimulator
{
    private readonly Random _random;

    public XamScanSimulator(int seed) => _random = new Random(seed);

    public XamScan Simulate(string name, XamScanSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.IncidentCountsMean > 0)) throw new ArgumentException("incident counts must be positive");
        var points = new List<XamPoint>(spec.PositionsMm.Count);
        for (int k = 0; k < spec.PositionsMm.Count; k++)
        {
            double x = spec.PositionsMm[k];
            double flux = spec.IncidentCountsMean * (spec.RelativeFluxDrift?.Invoke(k) ?? 1.0);
            double absorbance = spec.BlankAbsorbance(x) + spec.SensitivityPerM * spec.ConcentrationM(x);
            double i0 = Poisson.Sample(_random, flux);
            double it = Poisson.Sample(_random, flux * Math.Exp(-absorbance));
            points.Add(new XamPoint(spec.TimeMin + k * spec.MinutesPerPoint, x, i0, it));
        }
        return new XamScan(name, points);
    }
}
