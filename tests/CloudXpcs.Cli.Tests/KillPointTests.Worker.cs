using System.Collections.Concurrent;
using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>Scale-out: a second host process on the run's task hub, killed while it holds an activity.</summary>
public sealed partial class KillPointTests
{
    [Fact]
    public async Task A_worker_process_killed_mid_activity_leaves_its_work_to_the_run_and_the_results_equal_the_fault_free_run()
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        var args = fixture.Args(id);
        var clock = Stopwatch.StartNew();
        var workerLines = new ConcurrentQueue<string>();
        string killedIn;
        int code;
        string stdout;
        using (var worker = StartCli(["worker", .. fixture.StorageArgs(id), "--lease-s", "10", "--workers", "2", "--worker-id", "w" + id]))
        {
            var reading = Task.Run(async () =>
            {
                while (await worker.StandardOutput.ReadLineAsync() is { } line) workerLines.Enqueue(line);
            });
            var stderr = worker.StandardError.ReadToEndAsync();
            while (!workerLines.Any(l => l.StartsWith("worker w" + id, StringComparison.Ordinal)))
            {
                if (worker.HasExited) Assert.Fail($"the worker ended before it started: {string.Join('\n', workerLines)}\n{await stderr}");
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "the worker did not start within 1 min");
                await Task.Delay(100);
            }

            using var run = StartCli(["run", "--beamtime", fixture.Written.Folder, "--out", fixture.Temp.File("out-" + id), .. args]);
            var runOut = run.StandardOutput.ReadToEndAsync();
            var runErr = run.StandardError.ReadToEndAsync();
            string? started = null;
            while (started is null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the worker was given no activity within 3 min");
                if (run.HasExited) Assert.Fail($"the run ended before the worker was given an activity: {await runOut}\n{await runErr}");
                started = workerLines.FirstOrDefault(l => l.Contains(" CorrelateSeriesActivity ", StringComparison.Ordinal));
                if (started is null) await Task.Delay(50);
            }
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
            await reading;
            killedIn = started;
            output.WriteLine($"worker killed at {clock.Elapsed.TotalSeconds:0.0} s in: {started}");

            await run.WaitForExitAsync();
            code = run.ExitCode;
            stdout = $"exit {code}\n{await runOut}\n{await runErr}";
        }
        output.WriteLine($"run finished at {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(code == 0, stdout);
        AssertResultsEqualTheFaultFreeRun(Path.Combine(fixture.Temp.File("out-" + id), Bt), stdout);
        var storage = fixture.Storage(id);
        Assert.Equal(RunStatus.Completed, await FaultRuns.CheckCommitInvariantAsync(storage, Bt, "r1"));
        // The killed activity's series was analysed all the same (by the run's own host, after the lease).
        string series = killedIn.Split(' ')[^1].Split('/')[0];
        var analyses = await FaultRuns.AnalysesAsync(storage, Bt);
        Assert.Contains(analyses, a => a.Series == series && a.Status == SeriesStatus.Analysed);
    }
}
