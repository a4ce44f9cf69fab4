using CloudXpcs.Science.Absorption;
using CloudXpcs.Science.Electrolyte;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Absorption;

/// <summary>
/// Round trip whose forward model is written here from first principles, independent of XamScanSimulator and of
/// OpticalConstants: μ(x) from the mass fractions of salt and polymer at each concentration, Poisson counts drawn by a
/// normal approximation (λ ≥ 1e5, where it is exact to far better than the counting error).
/// </summary>
public class IndependentForwardModelTests(ITestOutputHelper output)
{
    private const double ThicknessCm = 0.08;
    private const double MuRhoSaltCm2PerG = 12.0;
    private const double MuRhoPeoCm2PerG = 3.0;
    private const double VSaltCm3PerMol = 134.9;
    private const double VEoCm3PerMol = 40.0;
    private const double CBar = 1.87;

    /// <summary>Linear attenuation of the electrolyte at salt concentration c: each component's mass per cm³ times its μ/ρ.</summary>
    private static double MuPerCm(double cM)
    {
        double saltMassGPerCm3 = cM / 1000.0 * 287.08;
        double polymerVolumeFraction = 1.0 - cM / 1000.0 * VSaltCm3PerMol;
        double polymerMassGPerCm3 = polymerVolumeFraction * 44.053 / VEoCm3PerMol;
        return saltMassGPerCm3 * MuRhoSaltCm2PerG + polymerMassGPerCm3 * MuRhoPeoCm2PerG;
    }

    private static double Counts(Random random, double lambda)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        double gaussian = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return Math.Max(0, Math.Round(lambda + Math.Sqrt(lambda) * gaussian));
    }

    private static XamScan Scan(Random random, string name, double timeMin, Func<double, double> profile, double[] positions)
    {
        var points = new List<XamPoint>();
        for (int k = 0; k < positions.Length; k++)
        {
            double x = positions[k];
            double flux = 4e5 * (1.0 + 0.5 * k / positions.Length);                      // i0 drifts up by 50 % along the scan
            double detectorRatio = 0.8 * (1.0 + 0.1 * Math.Cos(3 * x));                // it detector efficiency / monitor's, uneven
            double windows = 0.25;                                                      // window absorbance
            double transmission = Math.Exp(-windows - MuPerCm(profile(x)) * ThicknessCm);
            points.Add(new XamPoint(timeMin, x, Counts(random, flux), Counts(random, flux * detectorRatio * transmission)));
        }
        return new XamScan(name, points);
    }

    [Fact]
    public void Linear_gradient_with_salt_conserved_is_recovered_within_its_errors()
    {
        var random = new Random(2020);
        double[] positions = Enumerable.Range(0, 121).Select(i => -1.5 + 0.025 * i).ToArray();
        Func<double, double> gradient = x => CBar - 0.2 * x;
        var reference = Scan(random, "t0", 0, _ => CBar, positions);
        var scans = Enumerable.Range(1, 8).Select(i => Scan(random, $"t{i}", 100 * i, gradient, positions)).ToList();

        var optics = new OpticalConstants(ThicknessCm, MuRhoSaltCm2PerG, MuRhoPeoCm2PerG,
            PartialMolarVolumes.FromCm3PerMol(VEoCm3PerMol, VSaltCm3PerMol));
        var result = BeerLambertConverter.Convert(reference, scans,
            new XamConversionSettings(CBar, new XamCalibration.ByOpticalConstants(optics)));

        Assert.Empty(result.Rejected);
        Assert.Equal(8 * 121, result.Profiles.Count);
        var pulls = result.Profiles.Select(p => (p.ConcentrationM - gradient(p.PositionMm)) / p.StatisticalErrM).ToList();
        double meanChi2 = pulls.Average(z => z * z);
        output.WriteLine($"independent forward model: mean χ² {meanChi2:F3}, max |pull| {pulls.Max(Math.Abs):F2}, mean pull {pulls.Average():F3}, max |error| {result.Profiles.Max(p => Math.Abs(p.ConcentrationM - gradient(p.PositionMm))):F4} M");
        Assert.InRange(meanChi2, 0.85, 1.15);
        Assert.True(pulls.Max(Math.Abs) < 4.5);
        Assert.InRange(Math.Abs(pulls.Average()), 0, 0.25); // no bias (σ of the mean pull ≈ 0.07: the 8 scans share the reference)
    }
}
