using System.Globalization;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Tests.Support;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Electrolyte;

public class PartialMolarVolumeFitTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Pesko_densities_reproduce_the_study_volumes_within_two_percent()
    {
        string? shared = RepoPaths.SharedData;
        Skip.If(shared is null, RepoPaths.Missing(RepoPaths.ExpectedSharedData));
        string path = Path.Combine(shared!, "peo_litfsi_90C", "pesko2017_density_90C.csv");
        Skip.IfNot(File.Exists(path), RepoPaths.Missing(path));

        var points = File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("r,", StringComparison.Ordinal))
            .Select(line => line.Split(','))
            .Select(cells => new DensityPoint(double.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[1], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(14, points.Count);

        var fit = PartialMolarVolumeFit.Fit(points);

        output.WriteLine($"unweighted: V_EO = {fit.Volumes.EoA3:F2} ± {fit.EoErrA3:F2} Å³, V_LiTFSI = {fit.Volumes.SaltA3:F1} ± {fit.SaltErrA3:F1} Å³, corr {fit.CorrelationEoSalt:F2}, χ²/dof {fit.ReducedChiSquare:G3}");
        Assert.InRange(fit.Volumes.EoA3, 66.4 * 0.98, 66.4 * 1.02);
        Assert.InRange(fit.Volumes.SaltA3, 224.0 * 0.98, 224.0 * 1.02);
        Assert.True(fit.ErrorsFromResiduals);
        Assert.InRange(fit.EoErrA3, 0.1, 3.0);
        Assert.InRange(fit.SaltErrA3, 0.5, 15.0);
        Assert.InRange(fit.CorrelationEoSalt, -1.0, 0.0);

        // With the quoted 2 % relative density error the errors become absolute; χ²/dof below 1 means 2 % is generous.
        var weighted = PartialMolarVolumeFit.Fit(points.Select(p => p with { DensityErrGPerCm3 = 0.02 * p.DensityGPerCm3 }).ToList());
        output.WriteLine($"2 % errors: V_EO = {weighted.Volumes.EoA3:F2} ± {weighted.EoErrA3:F2} Å³, V_LiTFSI = {weighted.Volumes.SaltA3:F1} ± {weighted.SaltErrA3:F1} Å³, χ²/dof {weighted.ReducedChiSquare:F2}");
        Assert.False(weighted.ErrorsFromResiduals);
        Assert.InRange(weighted.Volumes.EoA3, 66.4 * 0.98, 66.4 * 1.02);
        Assert.InRange(weighted.Volumes.SaltA3, 224.0 * 0.98, 224.0 * 1.02);
        Assert.InRange(weighted.ReducedChiSquare, 0.1, 1.5);
    }

    [Fact]
    public void Exact_eq4_densities_are_fitted_exactly()
    {
        var truth = new PartialMolarVolumes(70.0, 210.0);
        var points = new[] { 0.0, 0.05, 0.1, 0.2, 0.3 }.Select(r => new DensityPoint(r, truth.DensityGPerCm3(r))).ToList();
        var fit = PartialMolarVolumeFit.Fit(points);
        Assert.Equal(70.0, fit.Volumes.EoA3, 9);
        Assert.Equal(210.0, fit.Volumes.SaltA3, 7);
        Assert.True(fit.EoErrA3 < 1e-6);
    }

    [Fact]
    public void Noisy_densities_give_honest_standard_errors()
    {
        var truth = PartialMolarVolumes.Study;
        var random = new Random(7);
        double[] grid = Enumerable.Range(1, 14).Select(i => 0.02 * i).ToArray();
        int trials = 400;
        double sumPullEo2 = 0, sumPullSalt2 = 0;
        for (int t = 0; t < trials; t++)
        {
            var points = grid.Select(r =>
            {
                double rho = truth.DensityGPerCm3(r);
                double sigma = 0.01 * rho;
                return new DensityPoint(r, rho + sigma * Gaussian(random), sigma);
            }).ToList();
            var fit = PartialMolarVolumeFit.Fit(points);
            sumPullEo2 += Math.Pow((fit.Volumes.EoA3 - truth.EoA3) / fit.EoErrA3, 2);
            sumPullSalt2 += Math.Pow((fit.Volumes.SaltA3 - truth.SaltA3) / fit.SaltErrA3, 2);
        }
        output.WriteLine($"pull² means: V_EO {sumPullEo2 / trials:F3}, V_LiTFSI {sumPullSalt2 / trials:F3}");
        Assert.InRange(sumPullEo2 / trials, 0.8, 1.2);
        Assert.InRange(sumPullSalt2 / trials, 0.8, 1.2);
    }

    [Fact]
    public void Too_few_or_mixed_points_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PartialMolarVolumeFit.Fit([new DensityPoint(0.1, 1.3), new DensityPoint(0.2, 1.4)]));
        Assert.Throws<ArgumentException>(() => PartialMolarVolumeFit.Fit(
            [new DensityPoint(0.1, 1.3, 0.01), new DensityPoint(0.2, 1.4), new DensityPoint(0.3, 1.5)]));
        Assert.Throws<ArgumentException>(() => PartialMolarVolumeFit.Fit(
            [new DensityPoint(0.1, 1.3), new DensityPoint(0.1, 1.31), new DensityPoint(0.1, 1.29)]));
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
