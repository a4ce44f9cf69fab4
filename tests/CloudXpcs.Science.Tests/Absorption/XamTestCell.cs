using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Science.Tests.Absorption;

/// <summary>A 3 mm cell at c̄ = 1.87 M with plausible optical constants, and helpers to judge recovered profiles.</summary>
internal static class XamTestCell
{
    public const double InitialConcentrationM = 1.87;

    /// <summary>1 mm of electrolyte, μ/ρ(LiTFSI) = 10, μ/ρ(PEO) = 2.5 cm²/g: S ≈ 0.25 absorbance per mol/L.</summary>
    public static OpticalConstants Optics { get; } = new(0.1, 10.0, 2.5, PartialMolarVolumes.Study);

    public static double[] Positions(double stepMm = 0.02) =>
        Enumerable.Range(0, (int)Math.Round(3.0 / stepMm) + 1).Select(i => -1.5 + i * stepMm).ToArray();

    /// <summary>Odd about the cell centre, so the mean over a symmetric raster is c̄ exactly (salt conserved).</summary>
    public static Func<double, double> TanhProfile(double amplitudeM, double widthMm) =>
        x => InitialConcentrationM + amplitudeM * Math.Tanh(x / widthMm);

    public static Func<double, double> LinearProfile(double slopeMPerMm) => x => InitialConcentrationM + slopeMPerMm * x;

    /// <summary>Windows and detector ratio (0.4) plus a position-dependent ripple that only a flat field removes.</summary>
    public static double Blank(double x) => 0.4 + 0.03 * Math.Sin(7.0 * x);

    public static double Drift(int k) => 1.0 + 0.3 * Math.Sin(k / 17.0);

    public static XamScanSpec Spec(double timeMin, Func<double, double> profile, double[]? positions = null,
        double sensitivityScale = 1.0, Func<double, double>? blank = null, double incidentCounts = 1e6) =>
        new(timeMin, positions ?? Positions(), profile, Optics.SensitivityPerM * sensitivityScale, blank ?? Blank,
            incidentCounts, Drift, MinutesPerPoint: 0.01);

    /// <summary>Mean squared pull against the truth, using the statistical error, and the largest |pull|.</summary>
    public static (double MeanChi2, double MaxAbsPull, int Count) Pulls(IEnumerable<ConcentrationPoint> points, Func<double, double, double> truthAt)
    {
        var pulls = points.Select(p => (p.ConcentrationM - truthAt(p.TimeMin, p.PositionMm)) / p.StatisticalErrM).ToList();
        return (pulls.Average(z => z * z), pulls.Max(Math.Abs), pulls.Count);
    }
}
