using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Inference;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Comparison;

/// <summary>
/// <see cref="NuisanceInference"/>: on measurements sampled (with noise of the misfit's σ) from a cell whose κ is 5 % off
/// the base set, t₊⁰ is recovered inside its 95 % interval with κ, D and R_int fitted as nuisances; the interval is
/// wider than the one with the nuisances held at the base set (it carries their uncertainty); the effective sample size
/// of an AR(1) sequence follows n(1 − ρ)/(1 + ρ).
/// </summary>
public class NuisanceInferenceTests(ITestOutputHelper output)
{
    [Fact]
    public void RecoversTplus0WithKappaOffTheBaseSetAndWidensTheInterval()
    {
        const double truth = 0.3;
        var plan = ComparisonTestData.Plan();
        var baseSet = BuiltInTransportSets.Pnb();
        var withT = ComparisonTestData.WithTransference(baseSet, truth);
        var trueSet = new TransportSet("truth", "", [], withT.TemperatureK, new ScaledCurve(withT.ConductivitySPerM, 1.05), withT.DiffusivityM2PerS,
            withT.CationTransference, withT.ThermodynamicFactor, withT.SaltPartialMolarVolumeM3PerMol, withT.SolventPartialMolarVolumeM3PerMol,
            withT.InterfacialResistanceOhmM2);
        var measured = ComparisonTestData.Sample(plan, ComparisonTestData.Simulate(plan, trueSet), seed: 7);
        var spec = ComparisonSimulation.SpecFor(measured, baseSet, ComparisonTestData.Cells);
        var assumption = ThermoFactorAssumption.Fixed(BuiltInTransportSets.AssumedThermodynamicFactor);
        var fit = NuisanceInference.Fit(measured, baseSet, spec, new MisfitOptions(), 1.87, false, assumption, threads: 2, startTplus0: 0.2);
        foreach (var p in fit.Parameters) output.WriteLine($"{p.Name} {p.Value:F4} ± {p.Sigma:F4} [{p.Ci95Low:F4}, {p.Ci95High:F4}]");
        foreach (var s in fit.SampleSizes) output.WriteLine($"{s.Kind}: n {s.Points}, rho1 {s.Lag1Autocorrelation:F2}, n_eff {s.Effective:F1}");
        foreach (var c in fit.Combinations) output.WriteLine($"{(c.Determined ? "determined" : "not determined")}: {c.Description} = {c.Value:F4} ± {c.Sigma:F4}");
        output.WriteLine($"chi2 {fit.Chi2:F1} over {fit.Points} points, {fit.Simulations} simulations");

        var t = fit.Parameters.Single(p => p.Name == NuisanceInference.Tplus0);
        Assert.InRange(truth, t.Ci95Low, t.Ci95High);
        Assert.True(t.Ci95High - t.Ci95Low < 0.2, $"interval [{t.Ci95Low}, {t.Ci95High}] is too wide to be informative");
        var kappa = fit.Parameters.Single(p => p.Name == NuisanceInference.LnKappa);
        Assert.InRange(Math.Log(1.05), kappa.Ci95Low, kappa.Ci95High);
        Assert.Equal(measured.PointCount, fit.Points);
        Assert.Contains(fit.Combinations, c => c.Description.StartsWith("eigen-direction", StringComparison.Ordinal));

        // The same data with κ, D and R_int held at the base set (the grid inference's assumption): a narrower interval.
        var options = new InferenceOptions { IncludeLinear = false, ConstantGrid = new ParameterGrid(0.1, 0.5, 0.05), RefinePoints = 5, CellCount = ComparisonTestData.Cells };
        var conditional = TransferenceInference.Run(measured, baseSet, options, threads: 2).Models.Single().Parameters.Single();
        output.WriteLine($"conditional on the base set: {conditional.Value:F4} [{conditional.CiLow:F4}, {conditional.CiHigh:F4}]");
        Assert.True(t.Ci95High - t.Ci95Low > conditional.CiHigh - conditional.CiLow, "the nuisances must widen the interval");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.8)]
    public void EffectiveSampleSizeOfAnAr1Sequence(double rho)
    {
        var random = new Random(3);
        double x = 0;
        var residuals = new List<Residual>();
        for (int i = 0; i < 4000; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            x = rho * x + Math.Sqrt(1 - rho * rho) * g;
            residuals.Add(new Residual(i, double.NaN, x, 0, 1));
        }
        var size = NuisanceInference.SampleSize("test", residuals);
        Assert.Equal(rho, size.Lag1Autocorrelation, 0.05);
        Assert.Equal(4000 * (1 - rho) / (1 + rho), size.Effective, 0.15 * 4000 * (1 - rho) / (1 + rho) + 60);
    }
}
