using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Continuum;

/// <summary>Observed orders of accuracy on the study's cell with the nonlinear PNB set (no analytic solution).</summary>
public sealed class ContinuumConvergenceTests(ITestOutputHelper output)
{
    private static readonly double[] Times = [10 * 60, 186 * 60, 1000 * 60];

    private static double[] Current(int cells, double tolerance, out int steps)
    {
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = BuiltInTransportSets.Pnb(), OutputTimesS = Times, PositionsMm = [],
            CellCount = cells, RelativeTolerance = tolerance,
        });
        steps = result.AcceptedSteps;
        return result.CurrentDensityAPerM2;
    }

    private static double MaxRelativeDifference(double[] a, double[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Abs(y)).Max();

    [Fact]
    public void GridConvergesAtSecondOrder()
    {
        int[] cells = [48, 96, 192, 384];
        var currents = cells.Select(n => Current(n, 1e-6, out _)).ToArray();
        var differences = new double[cells.Length - 1];
        for (int k = 0; k < differences.Length; k++)
        {
            differences[k] = MaxRelativeDifference(currents[k], currents[k + 1]);
            output.WriteLine($"N = {cells[k],4} -> {cells[k + 1],4}: max rel. change of i = {differences[k]:E3}");
        }
        for (int k = 0; k < differences.Length - 1; k++)
        {
            double order = Math.Log2(differences[k] / differences[k + 1]);
            output.WriteLine($"observed spatial order (N = {cells[k]}, {cells[k + 1]}, {cells[k + 2]}): {order:F2}");
            Assert.InRange(order, 1.6, 2.6);
        }
        // Richardson estimate of the error of the default grid (96 cells) in the current.
        double defaultError = differences[1] * 4 / 3;
        output.WriteLine($"estimated error of i with {new CellSimulationSpec { Transport = BuiltInTransportSets.Pnb() }.CellCount} cells (default): {defaultError:E2} (relative)");
        Assert.True(defaultError < 1e-3);
    }

    [Fact]
    public void TimeSteppingConvergesAtSecondOrder()
    {
        double[] tolerances = [1e-4, 1e-5, 1e-6];
        var reference = Current(48, 1e-8, out int referenceSteps);
        var errors = new double[tolerances.Length];
        var steps = new int[tolerances.Length];
        for (int k = 0; k < tolerances.Length; k++)
        {
            errors[k] = MaxRelativeDifference(Current(48, tolerances[k], out steps[k]), reference);
            output.WriteLine($"tolerance {tolerances[k]:E0}: {steps[k],5} steps, max rel. error of i {errors[k]:E3} (reference {referenceSteps} steps)");
        }
        for (int k = 0; k < tolerances.Length - 1; k++)
        {
            double order = Math.Log(errors[k] / errors[k + 1]) / Math.Log((double)steps[k + 1] / steps[k]);
            output.WriteLine($"observed temporal order (error vs steps, tolerances {tolerances[k]:E0}/{tolerances[k + 1]:E0}): {order:F2}");
            Assert.InRange(order, 1.4, 3.0);
        }
        Assert.True(errors[1] < 1e-4, "the default tolerance keeps the time error well below the 1e-3 target");
    }
}
