using System.Collections.Concurrent;
using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>Scale-out: the process that holds the task hub's partition (and so runs the orchestrations) killed mid-run.</summary>
public sealed partial class KillPointTests
{
    /// <summary>
    /// <c>run</c> holds the partition; a <c>worker</c> joins; <c>run</c> is killed with two series analysed. The worker takes
    /// the partition when its lease expires (30 s), replays the orchestrations and completes the run; the results then
    /// downloaded equal the fault-free run's. Slow (about a minute more than the other kill points), so outside CI's
    /// default filter: <c>CLOUDXPCS_SLOW_TESTS=1 scripts/test.sh</c> runs it.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_partition_holder_killed_mid_run_leaves_its_orchestrations_to_a_worker_and_the_results_equal_the_fault_free_run()
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        var storage = fixture.Storage(id);
        var clock = Stopwatch.StartNew();
        var workerLines = new ConcurrentQueue<string>();
        Process? worker = null;
        Task? reading = null;
        Task<string>? workerErr = null;
        try
        {
            using (var run = StartCli(["run", "--beamtime", fixture.Written.Folder, "--out", fixture.Temp.File("out-" + id), .. fixture.Args(id)]))
            {
                var runOut = run.StandardOutput.ReadToEndAsync();
                var runErr = run.StandardError.ReadToEndAsync();
                string? at = null;
                while (at is null)
                {
                    Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "two series not analysed within 3 min");
                    if (run.HasExited) Assert.Fail($"the run ended before two series were analysed: {await runOut}\n{await runErr}");
                    await Task.Delay(100);
                    try
                    {
                        at = await ReachedAsync("series", storage, fixture.Written.Series.Count);
                    }
                    catch (Azure.RequestFailedException e) when (e.Status == 404)
                    {
                    }
                }
                // The worker joins now that run holds the partition (one partition: the second process gets none).
                worker = StartCli(["worker", .. fixture.StorageArgs(id), "--lease-s", "10", "--workers", "2", "--worker-id", "w" + id]);
                var joined = worker;
                reading = Task.Run(async () =>
                {
                    while (await joined.StandardOutput.ReadLineAsync() is { } line) workerLines.Enqueue(line);
                });
                workerErr = worker.StandardError.ReadToEndAsync();
                while (!workerLines.Any(l => l.StartsWith("worker w" + id, StringComparison.Ordinal)))
                {
                    if (worker.HasExited) Assert.Fail($"the worker ended before it started: {string.Join('\n', workerLines)}\n{await workerErr}");
                    Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "the worker did not start within 4 min");
                    await Task.Delay(100);
                }
                if (run.HasExited) Assert.Fail($"the run ended before the worker joined: {await runOut}\n{await runErr}");
                run.Kill(entireProcessTree: true);
                await run.WaitForExitAsync();
                output.WriteLine($"run (the partition holder) killed at {clock.Elapsed.TotalSeconds:0.0} s: {at}");
            }

            RunStatus? status = null;
            while (status is not (RunStatus.Completed or RunStatus.CompletedWithFailures or RunStatus.Failed))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5),
                    $"the worker did not complete the run within 5 min (run row: {status}); worker output:\n{string.Join('\n', workerLines)}");
                if (worker!.HasExited) Assert.Fail($"the worker ended: {string.Join('\n', workerLines)}\n{await workerErr!}");
                await Task.Delay(500);
                var row = await storage.Runs.GetEntityIfExistsAsync<RunRow>(Bt, "r1");
                status = row.HasValue ? row.Value!.Status : null;
            }
            output.WriteLine($"run row {status} at {clock.Elapsed.TotalSeconds:0.0} s; the worker started {workerLines.Count(l => l.Contains(": ", StringComparison.Ordinal)) - 1} activities");
            Assert.Equal(RunStatus.Completed, status);
            Assert.Equal(RunStatus.Completed, await FaultRuns.CheckCommitInvariantAsync(storage, Bt, "r1"));
        }
        finally
        {
            if (worker is not null)
            {
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync();
                await reading!;
                worker.Dispose();
            }
        }

        // The completed run's results, downloaded by attaching to it (it is not run again).
        string downloaded = fixture.Temp.File("downloaded-" + id);
        var (code, stdout) = await RunCliAsync(["reprocess", "--beamtime", Bt, "--out", downloaded, .. fixture.Args(id)]);
        Assert.True(code == 0, stdout);
        AssertResultsEqualTheFaultFreeRun(Path.Combine(downloaded, Bt), stdout);
    }
}
