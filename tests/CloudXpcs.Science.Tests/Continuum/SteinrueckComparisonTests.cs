using System.Globalization;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Tests.Support;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>
/// The study's cell (Steinrück et al., EES 2020; data as redistributed by BattModels/DiffEC) against the built-in sets.
/// Orientation: the XAM profile files measure x from an electrode; at every time the salt is highest at small x, and
/// salt accumulates at the stripping electrode (the anion flux J₋ = −(1 − t₊⁰)i/F piles salt up there), so x_file = 0
/// is the stripping electrode and, with the stripping electrode at −L/2, position = x_file − 1.5 mm. The velocity files
/// use DiffEC's same solver coordinate, so the same mapping applies; SOURCE.md's study labels are x_study = 1.5 − x_file,
/// i.e. the study draws the stripping electrode at +L/2.
/// </summary>
public sealed class SteinrueckComparisonTests(ITestOutputHelper output)
{

    [SkippableFact]
    public void BuiltInSetsAgainstOperandoData()
    {
        string? shared = RepoPaths.SharedData;
        Skip.If(shared is null, RepoPaths.Missing(RepoPaths.ExpectedSharedData));
        string dir = Path.Combine(shared!, "steinrueck2020_operando");
        Skip.IfNot(Directory.Exists(dir), RepoPaths.Missing(dir));

        var (current, profiles, velocities) = SteinrueckOperandoData.Load(dir);
        foreach (var profile in profiles)
        {
            double slope = LeastSquaresSlope(profile.PositionsMm, profile.ConcentrationMolPerM3);
            output.WriteLine($"orientation check t = {profile.TimeS / 60:F0} min: dc/dx_file = {slope / 1000:F3} M/mm (negative: salt at x_file = 0)");
            if (profile.TimeS >= 300 * 60) Assert.True(slope < 0, "salt must pile up at x_file = 0 once the profile has developed");
        }

        double duration = Math.Ceiling(current.TimesS.Max() / 60) * 60;
        foreach (string name in BuiltInTransportSets.Names)
        {
            var simulation = ContinuumCellSolver.Simulate(new CellSimulationSpec
            {
                Transport = BuiltInTransportSets.Get(name), DurationS = duration,
                OutputTimesS = Enumerable.Range(0, (int)(duration / 60) + 1).Select(k => k * 60.0).ToArray(),
                PositionsMm = velocities.Select(v => v.PositionMm).ToArray(),
            });
            var comparison = CellModelComparison.Compare(simulation, 1870, current, profiles, velocities);
            Report(comparison, simulation);
            Assert.True(simulation.ConcentrationMolPerM3[^1][0] > simulation.ConcentrationMolPerM3[^1][^1]);
            Assert.All(comparison.Profiles, p => Assert.True(double.IsFinite(p.RmseMolPerM3)));
        }
    }

    private void Report(CellComparison comparison, CellSimulationResult simulation)
    {
        output.WriteLine($"=== {comparison.TransportSetName}: {simulation.AcceptedSteps} steps, {simulation.CellCount} cells; warnings: {string.Join(" | ", simulation.Warnings)}");
        foreach (double hours in new[] { 0.0, 3.1, 19.4 })
        {
            var nearest = comparison.Currents.MinBy(c => Math.Abs(c.TimeS - hours * 3600))!;
            output.WriteLine($"  i at {nearest.TimeS / 3600:F2} h: measured {nearest.MeasuredAPerM2 / 10:F3}, simulated {nearest.SimulatedAPerM2 / 10:F3} mA/cm2, ratio {nearest.Ratio:F3}");
        }
        output.WriteLine($"  current ratio over all {comparison.Currents.Count} points: min {comparison.Currents.Min(c => c.Ratio):F3}, max {comparison.Currents.Max(c => c.Ratio):F3}");
        foreach (var p in comparison.Profiles)
            output.WriteLine($"  profile t = {p.TimeS / 60,5:F0} min: RMSE {p.RmseMolPerM3 / 1000:F4} M, asymmetry measured {p.MeasuredAsymmetry,6:F3}, simulated {p.SimulatedAsymmetry,6:F3}");
        foreach (var v in comparison.Velocities)
            output.WriteLine($"  v_EO,lab position {v.PositionMm,5:F2} mm (study label {-v.PositionMm,5:F2} mm), 200-400 min: measured {v.MeasuredMeanSpeedMPerS * 1e9:F2}, simulated {v.SimulatedMeanSpeedMPerS * 1e9:F2} nm/s, ratio {v.Ratio:F3} ({v.Points} pts)");
    }

    private static double LeastSquaresSlope(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int k = 0; k < x.Length; k++) { sxy += (x[k] - mx) * (y[k] - my); sxx += (x[k] - mx) * (x[k] - mx); }
        return sxy / sxx;
    }
}
