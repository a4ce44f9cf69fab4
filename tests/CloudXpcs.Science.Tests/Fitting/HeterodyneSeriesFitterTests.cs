using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
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
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = speedAPerS }.Generate(seed);
        var fit = series.Fit();
        var v = fit.Velocity;
        output.WriteLine($"v_true {speedAPerS}: v {v.SpeedAPerS:G5} +- {v.SpeedErrAPerS:G3} (master {v.MasterCurveSpeedAPerS:G5} +- {v.MasterCurveSpeedErrAPerS:G3}, " +
                         $"omega-vs-q {v.OmegaVsQSpeedAPerS:G5}), bins used {v.UsedBinCount}, joint chi2r {v.JointReducedChi2:G3}, vmin {v.MinResolvableSpeedAPerS:G3}");
        Assert.True(v.Resolvable, v.Reason);
        Assert.Equal(speedAPerS, v.SpeedAPerS!.Value, speedAPerS * 0.03);
        Assert.True(v.SpeedErrAPerS > 0);
        Assert.Contains(fit.Bins, b => b.UsedForSpeed);
    }


    [Fact]
    public void Error_bar_covers_the_true_speed_for_a_handful_of_seeds()
    {
        int covered = Coverage(seeds: 6, firstSeed: 100, out string log);
        output.WriteLine(log);
        Assert.Equal(6, covered);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Error_bar_covers_the_true_speed_in_at_least_95_percent_of_40_seeds()
    {
        int covered = Coverage(seeds: 40, firstSeed: 1000, out string log);
        output.WriteLine(log);
        Assert.True(covered >= 38, $"{covered}/40 within 3 standard errors");
    }

    /// <summary>Random speed in [5, 100] Å/s per seed; counts fits whose ±3σ interval holds the true speed.</summary>
    private static int Coverage(int seeds, int firstSeed, out string log)
    {
        var lines = new List<string>();
        int covered = 0;
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            double speed = 5.0 + 95.0 * new Random(seed).NextDouble();
            var v = new SyntheticHeterodyneG2 { SpeedAPerS = speed, QBins = 4, QMaxInvA = 0.0192, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9 }
                .Generate(seed).Fit().Velocity;
            double z = v.Resolvable ? (v.SpeedAPerS!.Value - speed) / v.SpeedErrAPerS!.Value : double.NaN;
            if (Math.Abs(z) <= 3.0) covered++;
            lines.Add($"seed {seed}: v_true {speed:F3} v {v.SpeedAPerS:F3} +- {v.SpeedErrAPerS:F4} z {z:F2} rel {(v.SpeedAPerS - speed) / speed:P2}");
        }
        lines.Add($"{covered}/{seeds} within 3 standard errors");
        log = string.Join(Environment.NewLine, lines);
        return covered;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Noisy_series_resolve_most_speeds_and_their_error_bars_still_cover_the_truth()
    {
        // Seven times the default noise: few bins pass the per-bin gate, some series are not resolvable at all.
        int resolvable = 0, covered = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            double speed = 5.0 + 95.0 * new Random(seed + 77).NextDouble();
            var v = new SyntheticHeterodyneG2 { SpeedAPerS = speed, NoiseAtLag1For500Pixels = 0.02, QBins = 4, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9 }
                .Generate(seed).Fit().Velocity;
            output.WriteLine($"v_true {speed:F2}: resolvable {v.Resolvable} v {v.SpeedAPerS:F3} +- {v.SpeedErrAPerS:F3} bins {v.UsedBinCount} {v.Reason}");
            if (!v.Resolvable) continue;
            resolvable++;
            if (Math.Abs(v.SpeedAPerS!.Value - speed) <= 3.0 * v.SpeedErrAPerS!.Value) covered++;
        }
        output.WriteLine($"resolvable {resolvable}/20, covered {covered}/{resolvable}");
        Assert.True(resolvable >= 15, $"{resolvable}/20 resolvable");
        Assert.True(covered >= 0.95 * resolvable, $"{covered}/{resolvable} within 3 standard errors");
    }

    [Fact]
    public void Noise_without_flow_gives_no_ok_bins_and_no_speed()
    {
        for (int seed = 500; seed < 502; seed++)
        {
            var fit = new SyntheticHeterodyneG2 { SpeedAPerS = 0.0, Tau0MinS = 10.0, Tau0MaxS = 500.0 }.Generate(seed).Fit();
            Assert.DoesNotContain(fit.Bins, b => b.Ok);
            Assert.False(fit.Velocity.Resolvable);
            Assert.Null(fit.Velocity.SpeedAPerS);
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    public void Unresolvable_speed_gives_no_number_and_the_lower_limit(double speedAPerS)
    {
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = speedAPerS, QBins = 4, QMaxInvA = 0.0192, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9 }.Generate(21);
        var v = series.Fit().Velocity;
        output.WriteLine($"v_true {speedAPerS}: resolvable {v.Resolvable}, reason {v.Reason}, vmin {v.MinResolvableSpeedAPerS:G4}, master {v.MasterCurveSpeedAPerS}");
        Assert.False(v.Resolvable);
        Assert.Null(v.SpeedAPerS);
        Assert.Null(v.SpeedErrAPerS);
        Assert.False(string.IsNullOrEmpty(v.Reason));
        // 1.5 periods over the longest delay at the highest q|cos chi| (q centre 0.01829, chi ±10°).
        double longestDelayS = series.DelaysS[^1];
        double projectedQ = series.QInvA.Max() * Math.Cos(10.0 * Math.PI / 180.0);
        Assert.Equal(1.5 * 2 * Math.PI / (longestDelayS * projectedQ), v.MinResolvableSpeedAPerS!.Value, 1e-9);
    }

    [Fact]
    public void Starved_bins_and_bins_without_oscillation_are_kept_with_a_reason_and_left_out()
    {
        // χ centres ±90° (bins 4 and 13 of each q row) have cos χ = 0: no oscillation.
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 40.0, QBins = 2, StarvedBins = [0, 20] }.Generate(5);
        var fit = series.Fit();
        Assert.Equal(series.BinCount, fit.Bins.Count);
        foreach (int b in new[] { 0, 20 })
        {
            Assert.False(fit.Bins[b].Ok);
            Assert.Contains("too few pixels", fit.Bins[b].Reason);
            Assert.False(fit.Bins[b].UsedForSpeed);
        }
        foreach (int b in new[] { 4, 13, 22, 31 })
        {
            Assert.False(fit.Bins[b].UsedForSpeed);
            Assert.False(fit.Bins[b].Ok, $"bin {b}: {fit.Bins[b].Reason}");
            Assert.NotNull(fit.Bins[b].Reason);
        }
        Assert.True(fit.Velocity.Resolvable);
        Assert.Equal(40.0, fit.Velocity.SpeedAPerS!.Value, 40.0 * 0.03);
    }

    [Fact]
    public void Bins_with_NaN_g2_are_kept_as_not_fitted()
    {
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 40.0, QBins = 1 }.Generate(6);
        for (int t = 0; t < series.DelaysS.Length; t++) series.G2[t * series.BinCount + 2] = double.NaN;
        var fit = series.Fit();
        Assert.False(fit.Bins[2].Ok);
        Assert.Contains("too few finite delays", fit.Bins[2].Reason);
        Assert.Null(fit.Bins[2].Parameters);
    }

    [Fact]
    public void Plain_Eq1_without_multi_tau_averaging_is_fitted_too()
    {
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 60.0, QBins = 3, MultiTauAveraged = false }.Generate(8);
        var v = series.Fit().Velocity;
        Assert.True(v.Resolvable, v.Reason);
        Assert.Equal(60.0, v.SpeedAPerS!.Value, 60.0 * 0.03);
        Assert.InRange(Math.Abs(v.SpeedAPerS.Value - 60.0) / v.SpeedErrAPerS!.Value, 0.0, 3.0);
    }

    [Fact]
    public void Per_bin_parameters_are_recovered_within_their_errors()
    {
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 40.0, QBins = 2, NoiseAtLag1For500Pixels = 0.001 }.Generate(9);
        var fit = series.Fit();
        int checkedBins = 0;
        foreach (var bin in fit.Bins.Where(b => b.Ok))
        {
            var p = bin.Parameters!.Value; var e = bin.StandardErrors!.Value; var truth = series.TrueParameters[bin.Bin];
            Assert.InRange(Math.Abs(p.OmegaRadPerS - truth.OmegaRadPerS), 0.0, 5 * e.OmegaRadPerS);
            Assert.InRange(Math.Abs(p.Beta - truth.Beta), 0.0, 5 * e.Beta);
            Assert.InRange(Math.Abs(p.H - truth.H), 0.0, 5 * e.H);
            checkedBins++;
        }
        Assert.True(checkedBins >= 20, $"{checkedBins} ok bins");
        Assert.All(fit.PerQ, q => Assert.Equal(40.0, q.SpeedAPerS!.Value, 40.0 * 0.05));
    }
}

public class HeterodyneSeriesFitterMultiTauResultTests
{
    [Fact]
    public void MultiTauResult_overload_uses_its_qmap_lags_and_frame_time()
    {
        var spec = new QMapSpec(QMinInvA: 0.0029, QMaxInvA: 0.0125, QBins: 3, PhiBins: 18);
        var qmap = QMap.Build(new DetectorGeometry(512, 512, 75e-6, 8.0, 256.0, 256.0, 10.9), spec);
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 45.0, QBins = 3, QMinInvA = 0.0029, QMaxInvA = 0.0125 }.Generate(31);
        var result = new MultiTauResult
        {
            QMap = qmap,
            FrameTimeS = SyntheticHeterodyneG2.FrameTimeS,
            Frames = SyntheticHeterodyneG2.Frames,
            Lags = MultiTauLadder.Create(SyntheticHeterodyneG2.Frames, SyntheticHeterodyneG2.DelaysPerLevel),
            G2 = series.G2,
            G2Err = series.G2Err,
            Scattering2d = new double[qmap.PixelCount],
            IntensityVsTime = new double[SyntheticHeterodyneG2.Frames],
        };

        var fromResult = HeterodyneSeriesFitter.Fit(result);
        var fromArrays = HeterodyneSeriesFitter.Fit(series.DelaysS, series.G2, series.G2Err, series.QInvA, series.ChiDeg, qmap.DynamicPixelCounts,
            averagingFrames: series.AveragingFrames, frameTimeS: SyntheticHeterodyneG2.FrameTimeS,
            spreads: BinOmegaSpread.OfQMap(qmap));

        for (int b = 0; b < qmap.DynamicBinCount; b++)
        {
            Assert.Equal(qmap.QOfBin(b), fromResult.Bins[b].QInvA, 12);
            Assert.Equal(qmap.ChiOfBin(b), fromResult.Bins[b].ChiDeg, 12);
            Assert.Equal(qmap.DynamicPixelCounts[b], fromResult.Bins[b].PixelCount);
        }
        Assert.True(fromResult.Velocity.Resolvable, fromResult.Velocity.Reason);
        Assert.Equal(fromArrays.Velocity.SpeedAPerS!.Value, fromResult.Velocity.SpeedAPerS!.Value, 9);
        Assert.Equal(45.0, fromResult.Velocity.SpeedAPerS.Value, 45.0 * 0.03);
        Assert.Equal(3, fromResult.PerQ.Count);
    }
}
