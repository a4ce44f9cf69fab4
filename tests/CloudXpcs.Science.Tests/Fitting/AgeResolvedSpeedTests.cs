using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// On a simulated series whose speed ramps linearly, the age-resolved speed (two-time windows along the diagonal)
/// follows the ramp within its errors, while the multi-tau series fit gives the mean speed.
/// </summary>
public sealed class AgeResolvedSpeedTests(ITestOutputHelper output)
{
    [Fact]
    public void FollowsALinearSpeedRampWhereTheSeriesFitGivesTheMean()
    {
        const double v0 = 60, v1 = 140;
        var spec = new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 1024, FrameTimeS = 0.1, SpeedAPerS = v0, SpeedEndAPerS = v1,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, Tau0S = 300, MeanCountsPerPixelPerFrame = 0.5, Seed = 7,
        };
        var map = QMap.Build(spec.Geometry, new QMapSpec(), spec.FlowAxisDeg);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var multiTau = new MultiTauCorrelator(map, spec.Frames, new MultiTauOptions());
        var twoTime = new TwoTimeCorrelator(map, spec.Frames);
        foreach (var batch in new HeterodyneSpeckleSimulator(spec).FrameBatches(256))
        {
            multiTau.AddFrames<ushort>(batch.Span);
            twoTime.AddFrames<ushort>(batch.Span);
        }
        output.WriteLine($"simulated and correlated in {clock.Elapsed.TotalSeconds:F1} s");
        var series = HeterodyneSeriesFitter.Fit(multiTau.ToResult(spec.FrameTimeS)).Velocity;
        output.WriteLine($"series fit: {series.SpeedAPerS:F2} ± {series.SpeedErrAPerS:F2} Å/s (mean of the ramp {(v0 + v1) / 2})");
        var maps = twoTime.ComputeBins().ToList();
        var windows = AgeResolvedSpeedFitter.Fit(maps, map, spec.FrameTimeS, windows: 3);
        output.WriteLine($"two-time maps and window fits done at {clock.Elapsed.TotalSeconds:F1} s");
        double duration = (spec.Frames - 1) * spec.FrameTimeS;
        foreach (var w in windows)
        {
            double truth = v0 + (v1 - v0) * ((w.StartS + w.EndS) / 2 - 0.5 * spec.FrameTimeS) / duration;
            output.WriteLine($"window {w.Window} age {w.AgeS:F1} s: {w.Velocity.SpeedAPerS:F2} ± {w.Velocity.SpeedErrAPerS:F2} Å/s, truth {truth:F2}, " +
                             $"resolvable {w.Velocity.Resolvable}, LR {w.Velocity.Resolvability?.LikelihoodRatio:F0}");
        }
        foreach (var w in windows)
        {
            double truth = v0 + (v1 - v0) * (w.AgeS - 0.5 * spec.FrameTimeS) / duration;
            Assert.True(w.Velocity.Resolvable, $"window {w.Window}: {w.Velocity.Reason}");
            double err = w.Velocity.SpeedErrAPerS!.Value;
            Assert.True(Math.Abs(w.Velocity.SpeedAPerS!.Value - truth) <= 3 * err,
                $"window {w.Window}: {w.Velocity.SpeedAPerS:F2} ± {err:F2}, ramp {truth:F2}");
        }
        // The windows resolve the ramp: first and last differ by many errors; the series fit sits near the mean.
        var first = windows[0].Velocity; var last = windows[^1].Velocity;
        Assert.True(last.SpeedAPerS - first.SpeedAPerS > 5 * Math.Sqrt(Math.Pow(first.SpeedErrAPerS!.Value, 2) + Math.Pow(last.SpeedErrAPerS!.Value, 2)));
        Assert.True(series.Resolvable);
        Assert.InRange(series.SpeedAPerS!.Value, 0.8 * v0 + 0.2 * v1, 0.2 * v0 + 0.8 * v1);
    }
}
