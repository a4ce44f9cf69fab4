using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// Resolvability against the no-flow model (issue [I] point 4), a few fast seeds of the `null-claims` bench: series
/// without resolvable flow (v = 0 and 0.3 Å/s) in the study's geometry (on the 64 × 64 binning of the contract
/// detector to stay fast) are not claimed resolvable, a series with flow is, with a large likelihood ratio.
/// </summary>
public sealed class NoFlowTestTests(ITestOutputHelper output)
{
    private VelocityResult Fit(double speedAPerS, int seed)
    {
        var spec = new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 1024, FrameTimeS = 0.2, SpeedAPerS = speedAPerS,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, Tau0S = 300, MeanCountsPerPixelPerFrame = 0.5, Seed = seed,
        };
        var map = QMap.Build(spec.Geometry, new QMapSpec(), spec.FlowAxisDeg);
        var correlator = new MultiTauCorrelator(map, spec.Frames, new MultiTauOptions());
        foreach (var batch in new HeterodyneSpeckleSimulator(spec).FrameBatches(512)) correlator.AddFrames<ushort>(batch.Span);
        var v = HeterodyneSeriesFitter.Fit(correlator.ToResult(spec.FrameTimeS)).Velocity;
        output.WriteLine($"v_true {speedAPerS} seed {seed}: resolvable {v.Resolvable}, speed {v.SpeedAPerS:F3}, LR {v.Resolvability?.LikelihoodRatio:F1}, " +
                         $"consistent {v.Resolvability?.ConsistentBins}/{v.Resolvability?.OscillatingBins}, reason: {v.Reason}");
        return v;
    }

    [Theory]
    [InlineData(0.0, 102)]
    [InlineData(0.3, 104)]
    public void Series_without_resolvable_flow_are_not_claimed(double speed, int seed) =>
        Assert.False(Fit(speed, seed).Resolvable);

    [Fact]
    public void Series_with_flow_pass_the_test_by_a_wide_margin()
    {
        var v = Fit(30.0, 105);
        Assert.True(v.Resolvable, v.Reason);
        Assert.True(v.Resolvability!.LikelihoodRatio > 3 * FitOptions.Default.MinFlowLikelihoodRatio);
    }
}
