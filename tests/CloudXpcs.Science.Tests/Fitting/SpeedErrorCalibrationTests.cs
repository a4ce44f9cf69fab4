using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Synthetic;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

/// <summary>
/// The reported speed error against the truth on speckle series run through the real correlator (issue [B]): the
/// 40-seed sweep is `dotnet bench/CloudXpcs.Bench/bin/Release/net10.0/CloudXpcs.Bench.dll speed-coverage`; here a
/// handful of seeds with loose statistical bounds.
/// </summary>
public class SpeedErrorCalibrationTests(ITestOutputHelper output)
{
    /// <summary>The study's binning, 9 q × 18 χ, and wide bins, 4 × 8, whose lopsided q·|cos χ| distribution the bin model must carry.</summary>
    private static readonly (int, int)[] Binnings = [(9, 18), (4, 8)];

    [Fact]
    public void Pulls_on_simulated_correlated_series_are_consistent_with_unit_variance()
    {
        var pulls = Binnings.ToDictionary(b => $"{b.Item1}x{b.Item2}", _ => new List<double>());
        for (int seed = 1; seed <= 8; seed++)
        {
            var draw = SpeedCalibrationCase.Draw(seed);
            double truth = draw.Spec.SpeedAPerS;
            foreach (var (binning, v) in draw.Fit(Binnings))
            {
                Assert.True(v.Resolvable, $"seed {seed} {binning}: {v.Reason}");
                double pull = (v.SpeedAPerS!.Value - truth) / v.SpeedErrAPerS!.Value;
                output.WriteLine($"seed {seed} {binning}: v_true {truth:F3} v {v.SpeedAPerS:F3} +- {v.SpeedErrAPerS:F4} pull {pull:F2} " +
                                 $"(model-based {v.JointModelSpeedErrAPerS:F4}, bin-robust {v.JointBinRobustSpeedErrAPerS:F4}, joint chi2r {v.JointReducedChi2:F2})");
                Assert.True(v.SpeedErrAPerS >= v.JointModelSpeedErrAPerS, "the reported error is never below the model-based one");
                pulls[binning].Add(pull);
            }
        }
        foreach (var (binning, p) in pulls)
        {
            double rms = Math.Sqrt(p.Average(x => x * x));
            output.WriteLine($"{binning}: RMS pull {rms:F2}, mean pull {p.Average():F2}, max |pull| {p.Max(Math.Abs):F2}");
            Assert.All(p, x => Assert.InRange(Math.Abs(x), 0.0, 3.5));
            // 8 draws of N(0,1): the RMS lies in [0.5, 1.8] with probability > 0.99; errors 3x too small or 2x too large
            // fail, and so does a bias of 1.5 SE (the symmetric bin-spread model gave +1.4 on 4 x 8).
            Assert.InRange(rms, 0.5, 1.8);
            Assert.InRange(p.Average(), -1.1, 1.1);
        }
    }

    [Fact]
    public void Where_g2_err_is_the_whole_noise_the_bin_robust_error_agrees_with_the_model_based_one()
    {
        // Synthetic g2 with independent Gaussian noise of exactly the stated g2_err: the clustered (HC2) variance is
        // unbiased for the same variance the covariance gives, so their ratio averages to 1 over seeds.
        var ratios = new List<double>();
        for (int seed = 40; seed < 50; seed++)
        {
            var v = new SyntheticHeterodyneG2 { SpeedAPerS = 20.0 + 7.0 * (seed - 40), QBins = 4, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9 }
                .Generate(seed).Fit().Velocity;
            Assert.True(v.Resolvable, v.Reason);
            double ratio = v.JointBinRobustSpeedErrAPerS!.Value / v.JointModelSpeedErrAPerS!.Value;
            output.WriteLine($"seed {seed}: model-based {v.JointModelSpeedErrAPerS:G4}, bin-robust {v.JointBinRobustSpeedErrAPerS:G4}, ratio {ratio:F2}");
            ratios.Add(ratio * ratio);
        }
        double meanVarianceRatio = ratios.Average();
        output.WriteLine($"mean variance ratio {meanVarianceRatio:F3}");
        Assert.InRange(meanVarianceRatio, 0.75, 1.3);
    }

    /// <remarks>
    /// Not covered: with 9 × 18 bins the series of seed 3 at 0.3 Å/s gives a spurious ~4 Å/s from 6 bins, resolvable
    /// under the previous error rule as well (4.1 &gt; 3 × 1.26 before the multi-tau phase-lag term): the per-bin gate (Δχ² ≥ 20) is counted in units of
    /// g2_err, which understates the noise of correlated series, so speckle wiggles pass it.
    /// </remarks>
    [Theory]
    [InlineData(0.0, 9, 18)]
    [InlineData(0.0, 4, 8)]
    [InlineData(0.3, 4, 8)]
    public void Unresolvable_simulated_series_give_no_speed_and_no_error(double speedAPerS, int qBins, int phiBins)
    {
        var draw = SpeedCalibrationCase.Draw(3, speedAPerS: speedAPerS);
        var v = draw.Fit([(qBins, phiBins)]).Single().Velocity;
        output.WriteLine($"v_true {speedAPerS}: resolvable {v.Resolvable}, reason {v.Reason}, vmin {v.MinResolvableSpeedAPerS:G4}");
        Assert.False(v.Resolvable);
        Assert.Null(v.SpeedAPerS);
        Assert.Null(v.SpeedErrAPerS);
        Assert.False(string.IsNullOrEmpty(v.Reason));
        if (v.MinResolvableSpeedAPerS is { } vMin) Assert.True(vMin > speedAPerS);
    }
}
