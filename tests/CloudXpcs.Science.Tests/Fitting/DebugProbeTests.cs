using System.Diagnostics;
using CloudXpcs.Science.Fitting;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

public class DebugProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        var series = new SyntheticHeterodyneSeries { SpeedAPerS = 0.0, QBins = 4, QMaxInvA = 0.0192, QMinInvA = 0.0192 - 4 * (0.0192 - 0.0029) / 9 }.Generate(21);
        var fit = series.Fit();
        var v = fit.Velocity;
        output.WriteLine($"speed {v.SpeedAPerS} +- {v.SpeedErrAPerS} used {v.UsedBinCount} chi2r {v.JointReducedChi2}");
        foreach (var b in fit.Bins.Where(b => b.Ok)) output.WriteLine($"{b.Bin} chi {b.ChiDeg} used {b.UsedForSpeed} w {b.Parameters!.Value.OmegaRadPerS:G4} +- {b.StandardErrors!.Value.OmegaRadPerS:G3} A {b.Parameters.Value.OscillationAmplitude:G3} tau0 {b.Parameters.Value.Tau0S:G3} chi2r {b.ReducedChi2:G3}");
        var s2 = new SyntheticHeterodyneSeries { SpeedAPerS = 30.0, QBins = 4 }.Generate(3);
        s2.Fit();
        var sw = Stopwatch.StartNew();
        var delays = s2.DelaysS; int nb = s2.BinCount;
        var data = Enumerable.Range(0, nb).Select(b => BinSeries.FromColumn(delays, t => s2.G2[t * nb + b], t => s2.G2Err[t * nb + b], s2.AveragingFrames, 0.2)).ToList();
        output.WriteLine($"extract {sw.ElapsedMilliseconds} ms"); sw.Restart();
        var opts = FitOptions.Default;
        var cands = data.Select(d => DampedCosinePeriodogram.Candidates(d, 0.98 * Math.PI / 0.2, opts)).ToList();
        output.WriteLine($"periodogram {sw.ElapsedMilliseconds} ms"); sw.Restart();
        int iters = 0;
        for (int b = 0; b < nb; b++)
            foreach (var c in cands[b]) { HeterodyneBinFitter.Refine(data[b], c, new ParameterBox(data[b], 0.98 * Math.PI / 0.2, opts), 200); iters++; }
        output.WriteLine($"LM {sw.ElapsedMilliseconds} ms for {iters} starts"); sw.Restart();
        var binFits = new BinFit[nb];
        for (int b = 0; b < nb; b++) binFits[b] = HeterodyneBinFitter.Fit(b, s2.QInvA[b], s2.ChiDeg[b], s2.PixelCounts[b], data[b], 0.98 * Math.PI / 0.2, opts);
        output.WriteLine($"bin fits sequential {sw.ElapsedMilliseconds} ms"); sw.Restart();
        var boxes = data.Select(d => (ParameterBox?)new ParameterBox(d, 0.98 * Math.PI / 0.2, opts)).ToList();
        var (vel, _, fb) = VelocityEstimator.Estimate(binFits, data, boxes, opts);
        var used = Enumerable.Range(0, nb).Where(b => fb[b].UsedForSpeed).ToList();
        sw.Restart();
        var joint = SharedSpeedFitter.Fit(used.Select(b => data[b]).ToList(), used.Select(b => fb[b].ProjectedQInvA).ToArray(), used.Select(b => fb[b].Parameters!.Value).ToList(), used.Select(b => boxes[b]!.Value).ToList(), vel.MasterCurveSpeedAPerS!.Value, 200);
        output.WriteLine($"joint alone {sw.ElapsedMilliseconds} ms, {joint!.Evaluations} evaluations, {used.Count} bins");
        output.WriteLine($"velocity {sw.ElapsedMilliseconds} ms: {vel.SpeedAPerS} {vel.Method}"); sw.Restart();
        s2.Fit();
        output.WriteLine($"full {sw.ElapsedMilliseconds} ms"); sw.Restart();
    }
}
