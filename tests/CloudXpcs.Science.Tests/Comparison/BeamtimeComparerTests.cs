using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Science.Tests.Comparison;

public sealed class BeamtimeComparerTests
{
    [Theory]
    [InlineData(VelocitySource.MeasuredCsv)]
    [InlineData(VelocitySource.Fit)]
    public void SimulationAgainstItselfHasUnitRatiosZeroResidualsAndRanksFirst(VelocitySource source)
    {
        var plan = ComparisonTestData.Plan();
        var rs = ComparisonTestData.Simulate(plan, BuiltInTransportSets.Rs());
        var pnb = ComparisonTestData.Simulate(plan, BuiltInTransportSets.Pnb());
        var measured = ComparisonTestData.Sample(plan, rs, velocitySource: source);

        var comparison = BeamtimeComparer.Compare(measured, [pnb, rs], new ComparisonOptions());

        var self = comparison.Sets.Single(s => s.Set == "RS");
        Assert.Equal(plan.Current.Count, self.Current.RatioPredictedToMeasured.Length);
        Assert.All(self.Current.RatioPredictedToMeasured, r => Assert.Equal(1.0, r, 12));
        Assert.Equal(2, self.Profiles.Count);
        Assert.All(self.Profiles, p =>
        {
            Assert.Equal(0.0, p.RmseM, 12);
            Assert.Equal(0.0, p.MaxAbsDevM, 12);
            Assert.Equal(p.MeasuredGradientCentreMm, p.PredictedGradientCentreMm, 12);
        });
        Assert.Equal(3, self.Velocities.Positions.Count);
        Assert.All(self.Velocities.Positions, p => { Assert.Equal(1.0, p.RatioMean, 12); Assert.Equal(0.0, p.RatioStd, 12); Assert.Equal(4, p.Points); });
        Assert.Equal(1.0, self.Velocities.RatioMean, 12);
        Assert.Equal([-0.5, 0.2, 0.55], self.Velocities.PositionsWithinBandMm);
        Assert.Equal(0.0, self.Misfit.Chi2, 12);
        Assert.Equal(plan.PointCount, self.Misfit.Points);
        Assert.Equal("RS", comparison.Ranking[0].Set);
        Assert.Equal(1, comparison.Ranking[0].Rank);
        Assert.True(comparison.Sets.Single(s => s.Set == "PNB").Score > 0);
        Assert.All(comparison.Ranking, r => Assert.NotEmpty(r.Reasons));
        // The reported measurements carry the sign of the first simulation's prediction (PNB and RS agree on it here).
        Assert.All(comparison.Measured.Velocities, v => Assert.True(v.VEoAPerS > 0));
    }

    [Fact]
    public void OutlierPositionFallsOutsideTheBand()
    {
        var plan = ComparisonTestData.Plan();
        var rs = ComparisonTestData.Simulate(plan, BuiltInTransportSets.Rs());
        var measured = ComparisonTestData.Sample(plan, rs);
        // Scale each position's velocities differently: one far off.
        var factors = new Dictionary<double, double> { [-0.5] = 1.0, [0.2] = 1.1, [0.55] = 3.0 };
        measured = measured with { Velocities = measured.Velocities.Select(v => v with { VEoAPerS = v.VEoAPerS * factors[v.PositionMm] }).ToList() };
        var set = BeamtimeComparer.Compare(measured, [rs], new ComparisonOptions { OutlierSigmas = 1.0 }).Sets[0];
        Assert.Equal((1.0 + 1.1 + 3.0) / 3, set.Velocities.RatioMean, 9);
        Assert.Equal([-0.5, 0.2], set.Velocities.PositionsWithinBandMm);
        Assert.Equal(1.05, set.Velocities.RatioMeanWithinBand, 9);
    }

    [Fact]
    public void GradientCentreOfSymmetricAndSkewedProfiles()
    {
        var x = Enumerable.Range(0, 21).Select(k => -1.0 + k * 0.1).ToArray();
        Assert.Equal(0.0, GradientCentre.OfCubicFit(x, x.Select(v => 2 - 0.3 * v).ToArray()), 9);
        Assert.Equal(0.0, GradientCentre.OfCubicFit(x, x.Select(v => -Math.Pow(v, 3)).ToArray()), 9);
        // Steeper towards +x: the gradient is centred on the + side.
        Assert.True(GradientCentre.OfCubicFit(x, x.Select(v => -Math.Pow(v + 1, 3)).ToArray()) > 0.3);
        Assert.True(double.IsNaN(GradientCentre.OfCubicFit([0, 1, 2], [1, 2, 3])));
    }
}
