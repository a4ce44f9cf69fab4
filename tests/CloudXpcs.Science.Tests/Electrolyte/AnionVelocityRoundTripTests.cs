using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Electrolyte;

/// <summary>
/// The anion velocity from a lab-frame EO velocity (issue [I] point 6): from the continuum model's own lab-frame solvent
/// velocities, its current and its local concentration, <see cref="AnionVelocityFrames.FromLabEoVelocity"/> must give
/// back the model's solvent-frame anion velocity J₋/c. The old conversion (no interface motion, initial concentration)
/// is printed for comparison.
/// </summary>
public sealed class AnionVelocityRoundTripTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("PNB")]
    [InlineData("RS")]
    public void ModelVelocitiesRoundTrip(string set)
    {
        double[] times = [0, 60 * 60, 200 * 60, 400 * 60, 800 * 60];
        var spec = new CellSimulationSpec { Transport = BuiltInTransportSets.Get(set), DurationS = times[^1], OutputTimesS = times };
        var result = ContinuumCellSolver.Simulate(spec);
        double worst = 0, worstOld = 0;
        for (int p = 0; p < result.PositionsMm.Length; p++)
            for (int k = 0; k < times.Length; k++)
            {
                double cM = LinearAt(result.CellPositionsMm, result.ConcentrationMolPerM3[k], result.PositionsMm[p]) / 1000;
                // Position axis: +x of the model is −side along it, so the interface velocity's sign flips the same way.
                double vInt = -spec.StrippingElectrodeSide * AnionVelocityFrames.InterfaceVelocityAPerS(result.CurrentDensityAPerM2[k]);
                double vLab = result.SolventVelocityLabMPerS[p][k] * 1e10;
                double expected = result.AnionVelocitySolventFrameMPerS[p][k] * 1e10;
                var frames = AnionVelocityFrames.FromLabEoVelocity(vLab, cM, vInt);
                var old = AnionVelocityFrames.FromEoVelocityAtConcentration(vLab, 1.87);
                double rel = Math.Abs(frames.VTfsiSolventFrameAPerS - expected) / Math.Abs(expected);
                double relOld = Math.Abs(old.VTfsiSolventFrameAPerS - expected) / Math.Abs(expected);
                worst = Math.Max(worst, rel);
                worstOld = Math.Max(worstOld, relOld);
                output.WriteLine($"{set} x {result.PositionsMm[p],5:F2} mm t {times[k] / 60,4:F0} min c {cM:F3} M: model {expected,8:F3} A/s, exact {frames.VTfsiSolventFrameAPerS,8:F3} ({rel:E1}), old {old.VTfsiSolventFrameAPerS,8:F3} ({relOld:P1})");
            }
        output.WriteLine($"worst relative error: {worst:E2} (old conversion {worstOld:P1})");
        Assert.True(worst < 1e-3, $"round trip off by {worst:E2}");
    }

    private static double LinearAt(double[] x, double[] y, double at)
    {
        int i = Array.BinarySearch(x, at);
        if (i >= 0) return y[i];
        i = Math.Clamp(~i, 1, x.Length - 1);
        double w = (at - x[i - 1]) / (x[i] - x[i - 1]);
        return y[i - 1] + w * (y[i] - y[i - 1]);
    }
}
