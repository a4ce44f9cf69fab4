using System.Diagnostics;
using CloudXpcs.Science.Fitting;
using Xunit.Abstractions;

namespace CloudXpcs.Science.Tests.Fitting;

[CollectionDefinition(nameof(FittingTimingCollection), DisableParallelization = true)]
public sealed class FittingTimingCollection;

/// <summary>
/// Reports (never asserts) the time to fit 72 bins (4 q × 18 χ), alone in its collection so that other tests do
/// not share the cores. The figure is for information; benchmarks belong in bench/.
/// </summary>
[Collection(nameof(FittingTimingCollection))]
public class FittingTimingTests(ITestOutputHelper output)
{
    [Fact]
    public void Fitting_72_bins_timing_is_reported_in_the_output()
    {
        var series = new SyntheticHeterodyneG2 { SpeedAPerS = 30.0, QBins = 4, QMaxInvA = 0.0029 + 4 * (0.0192 - 0.0029) / 9 }.Generate(3);
        series.Fit(); // warm-up (JIT)
        var times = new List<double>();
        var cpuTimes = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int run = 0; run < 5; run++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var fit = series.Fit();
            times.Add(watch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpuTimes.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            Assert.Equal(72, fit.Bins.Count);
            Assert.True(fit.Velocity.Resolvable, fit.Velocity.Reason);
        }
        output.WriteLine($"72 bins: wall median {times.Order().ElementAt(2):F0} ms, min {times.Min():F0} ms; " +
                         $"process CPU median {cpuTimes.Order().ElementAt(2):F0} ms over 5 runs (ProcessorCount {Environment.ProcessorCount})");
    }
}
