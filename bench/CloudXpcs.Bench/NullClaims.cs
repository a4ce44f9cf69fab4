using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Bench;

/// <summary>
/// The false-claim rate of the resolvability test (issue [I] point 4): series in the study's geometry (the demo's
/// 128 × 128 binned detector, 1024 frames of 0.2 s, default 9 q × 18 χ map, β 0.2, h 0.5, τ0 300 s, 0.5 photons per
/// pixel per frame, as <c>simulate-beamtime</c> writes them) at speeds with no resolvable flow (0 and 0.3 Å/s) and,
/// as a check of the test's power, at resolvable speeds. Prints each case and per speed the fraction claimed resolvable.
/// </summary>
public static class NullClaims
{
    /// <summary>`null-claims [seeds] [firstSeed] [speeds, e.g. 0,0.3,5,30]`.</summary>
    public static int Run(string[] args)
    {
        int seeds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        int firstSeed = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
        var speeds = (args.Length > 3 ? args[3] : "0,0.3").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var clock = Stopwatch.StartNew();
        foreach (double speed in speeds)
        {
            int claims = 0, total = 0;
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++)
            {
                var v = FitOne(speed, seed);
                total++;
                if (v.Resolvable) claims++;
                Console.WriteLine(FormattableString.Invariant(
                    $"v_true {speed,6:F2} seed {seed,4} resolvable {v.Resolvable,-5} v_fit {v.SpeedAPerS,8:F3} SE {v.SpeedErrAPerS,7:F4} bins {v.UsedBinCount,3} ") +
                    FormattableString.Invariant($"master {v.MasterCurveSpeedAPerS,8:F3} LR {v.Resolvability?.LikelihoodRatio,8:F1} phi {v.Resolvability?.Inflation,6:F2} tested {v.Resolvability?.TestedBins,3} consistent {v.Resolvability?.ConsistentBins,3}/{v.Resolvability?.OscillatingBins,3} ") +
                    (v.Resolvable ? "" : "reason: " + v.Reason));
            }
            Console.WriteLine(FormattableString.Invariant($"v_true {speed} A/s: {claims}/{total} claimed resolvable ({100.0 * claims / total:F1} %)"));
        }
        Console.WriteLine(FormattableString.Invariant($"{clock.Elapsed.TotalSeconds:F0} s"));
        return 0;
    }

    public static VelocityResult FitOne(double speedAPerS, int seed)
    {
        var spec = new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(4),
            Frames = 1024, FrameTimeS = 0.2, SpeedAPerS = speedAPerS,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, Tau0S = 300, MeanCountsPerPixelPerFrame = 0.5, Seed = seed,
        };
        var map = QMap.Build(spec.Geometry, new QMapSpec(), spec.FlowAxisDeg);
        var correlator = new MultiTauCorrelator(map, spec.Frames, new MultiTauOptions());
        foreach (var batch in new HeterodyneSpeckleSimulator(spec).FrameBatches(512)) correlator.AddFrames<ushort>(batch.Span);
        return HeterodyneSeriesFitter.Fit(correlator.ToResult(spec.FrameTimeS)).Velocity;
    }
}
