using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Bench;

/// <summary>
/// Calibration of the reported speed error (issue [B]): per seed one heterodyne speckle series from the in-repo
/// simulator (<see cref="SpeedCalibrationCase"/>: random speed 5–100 Å/s, τ0, β, h, count rate, flow axis), correlated
/// by the real multi-tau correlator once per q/χ binning, fitted by <see cref="HeterodyneSeriesFitter"/>. Prints v_true, v_fit, SE and the pull
/// (v_fit − v_true)/SE per case, then per binning the RMS pull, the fraction of |pull| ≤ 1, 2, 3 and the worst
/// relative error. Honest error bars give RMS ≈ 1 and coverages ≈ 68 / 95 / 99.7 %.
/// </summary>
public static class SpeedCoverage
{
    public sealed record Case(int Seed, string Binning, double TrueSpeedAPerS, double Tau0S, VelocityResult Velocity)
    {
        public double? RelativeError => Velocity.Resolvable ? (Velocity.SpeedAPerS!.Value - TrueSpeedAPerS) / TrueSpeedAPerS : null;
        public double? PullWith(double? errAPerS) => Velocity.Resolvable && errAPerS is > 0 ? (Velocity.SpeedAPerS!.Value - TrueSpeedAPerS) / errAPerS.Value : null;
        public double? Pull => PullWith(Velocity.SpeedErrAPerS);
    }

    /// <summary>The error rules compared: the reported one and its ingredients, and the rule before issue [B] point 2.</summary>
    private static readonly (string Name, Func<VelocityResult, double?> Err)[] Rules =
    [
        ("reported", v => v.SpeedErrAPerS),
        ("joint model-based", v => v.JointModelSpeedErrAPerS),
        ("joint bin-robust", v => v.JointBinRobustSpeedErrAPerS),
        ("joint bin-scaled", v => v.JointBinScaledSpeedErrAPerS),
        ("max(model, bin-scaled)", v => v.JointModelSpeedErrAPerS is { } m && v.JointBinScaledSpeedErrAPerS is { } c ? Math.Max(m, c) : null),
        ("previous: max(model, master curve)", v => v.JointModelSpeedErrAPerS is { } m && v.MasterCurveSpeedErrAPerS is { } c ? Math.Max(m, c) : null),
    ];

    /// <summary>`speed-coverage [seeds] [firstSeed] [binnings, e.g. 9x18,4x8] [side] [frames]`.</summary>
    public static int Run(string[] args)
    {
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        int firstSeed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var binnings = (args.Length > 3 ? args[3] : "9x18,4x8").Split(',')
            .Select(s => s.Split('x')).Select(p => (Q: int.Parse(p[0], CultureInfo.InvariantCulture), Phi: int.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();
        int side = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 128;
        int frames = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 1024;

        var clock = Stopwatch.StartNew();
        var cases = new List<Case>();
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
            foreach (var c in RunSeed(seed, binnings, side, frames))
            {
                cases.Add(c);
                var v = c.Velocity;
                Console.WriteLine(FormattableString.Invariant(
                    $"seed {c.Seed,4} {c.Binning,-5} tau0 {c.Tau0S,5:F0} v_true {c.TrueSpeedAPerS,7:F3} v_fit {v.SpeedAPerS,8:F3} SE {v.SpeedErrAPerS,7:F4} pull {c.Pull,6:F2} err {c.RelativeError,7:P2} ") +
                    FormattableString.Invariant($"bins {v.UsedBinCount,3} chi2r {v.JointReducedChi2,5:F2} model-SE {v.JointModelSpeedErrAPerS,7:F4} robust-SE {v.JointBinRobustSpeedErrAPerS,7:F4} scaled-SE {v.JointBinScaledSpeedErrAPerS,7:F4} master-SE {v.MasterCurveSpeedErrAPerS,7:F4}") +
                    (v.Resolvable ? "" : " not resolvable: " + v.Reason));
            }
        Console.WriteLine();
        foreach (var group in cases.GroupBy(c => c.Binning))
            foreach (var (name, err) in Rules)
                Console.WriteLine(Summary($"{group.Key} {name}", group.ToList(), err));
        Console.WriteLine(FormattableString.Invariant($"{cases.Count} cases in {clock.Elapsed.TotalSeconds:F0} s"));
        return 0;
    }

    public static string Summary(string label, IReadOnlyList<Case> cases, Func<VelocityResult, double?> err)
    {
        var pulls = cases.Select(c => c.PullWith(err(c.Velocity))).OfType<double>().ToArray();
        if (pulls.Length == 0) return $"{label}: no resolvable case of {cases.Count}";
        double rms = Math.Sqrt(pulls.Average(p => p * p));
        double Within(double k) => pulls.Count(p => Math.Abs(p) <= k) / (double)pulls.Length;
        var errors = cases.Select(c => c.RelativeError).OfType<double>().ToArray();
        return FormattableString.Invariant(
            $"{label}: {pulls.Length}/{cases.Count} resolvable, RMS pull {rms:F2}, mean pull {pulls.Average():F2}, |pull|<=1 {Within(1):P0}, <=2 {Within(2):P0}, <=3 {Within(3):P0}, max |pull| {pulls.Max(Math.Abs):F2}, mean error {errors.Average():P2}, worst error {errors.Max(Math.Abs):P2}");
    }

    /// <summary>
    /// `speed-coverage-g2 [seeds] [firstSeed] [noise]`: the same pulls on synthetic g2 curves with independent Gaussian
    /// noise of known σ (<see cref="SyntheticHeterodyneG2"/>, 4 q × 18 χ), where the fit's own noise model is exact.
    /// </summary>
    public static int RunSyntheticG2(string[] args)
    {
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        int firstSeed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        double noise = args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 0.003;
        var cases = new List<Case>();
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
        {
            double speed = 5.0 + 95.0 * new Random(seed * 7919 + 17).NextDouble();
            var v = new SyntheticHeterodyneG2 { SpeedAPerS = speed, QBins = 4, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9, NoiseAtLag1For500Pixels = noise }
                .Generate(seed).Fit().Velocity;
            cases.Add(new Case(seed, "synthetic-g2", speed, double.NaN, v));
        }
        foreach (var (name, err) in Rules) Console.WriteLine(Summary($"synthetic g2, noise {noise}, {name}", cases, err));
        return 0;
    }

    private static IEnumerable<Case> RunSeed(int seed, IReadOnlyList<(int Q, int Phi)> binnings, int side, int frames)
    {
        var draw = SpeedCalibrationCase.Draw(seed, side, frames);
        foreach (var (binning, velocity) in draw.Fit(binnings))
            yield return new Case(seed, binning, draw.Spec.SpeedAPerS, draw.Spec.Tau0S, velocity);
    }
}
