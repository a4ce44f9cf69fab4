using System.Diagnostics;
using CloudXpcs.Science.Fitting;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

public class HeterodyneSeriesFitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5.0, 11)]
    [InlineData(12.0, 12)]
    [InlineData(34.1, 13)]
    [InlineData(70.0, 14)]
    [InlineData(100.0, 15)]
    public void Recovers_the_speed_within_3_percent_over_5_to_100_A_per_s(double speedAPerS, int seed)
    {
        var series = new SyntheticHeterodyneSeries { SpeedAPerS = speedAPerS }.Generate(seed);
        var fit = series.Fit();
        var v = fit.Velocity;
        output.WriteLine($"v_true {speedAPerS}: v {v.SpeedAPerS:G5} +- {v.SpeedErrAPerS:G3} (master {v.MasterCurveSpeedAPerS:G5} +- {v.MasterCurveSpeedErrAPerS:G3}, " +
                         $"omega-vs-q {v.OmegaVsQSpeedAPerS:G5}), bins used {v.UsedBinCount}, joint chi2r {v.JointReducedChi2:G3}, vmin {v.MinResolvableSpeedAPerS:G3}");
        Assert.True(v.Resolvable, v.Reason);
        Assert.Equal(speedAPerS, v.SpeedAPerS!.Value, speedAPerS * 0.03);
        Assert.True(v.SpeedErrAPerS > 0);
        Assert.Contains(fit.Bins, b => b.UsedForSpeed);
    }
}
