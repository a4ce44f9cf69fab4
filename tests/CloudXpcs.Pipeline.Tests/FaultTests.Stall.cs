using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;

namespace CloudXpcs.Pipeline.Tests;

public sealed partial class FaultTests
{
    /// <summary>
    /// A run that stops moving (here every correlation hangs, as a run does when storage lost the message that would wake
    /// it) is not waited on for ever: the wait ends with a stall error naming the run and the limit, the run is left
    /// uncommitted (never "completed") for a later resume.
    /// </summary>
    [Fact]
    public async Task A_run_that_makes_no_progress_ends_the_wait_with_a_stall_error_and_is_never_reported_completed()
    {
        var beamtime = beamtimes.Main;
        var setup = Stopwatch.StartNew();
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var faults = new ScriptedFaults(async (activity, _, _) =>
        {
            if (activity == nameof(CorrelateSeriesActivity)) await hang.Task;
        });
        try
        {
            await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, faults) with { MessageLease = TimeSpan.FromMinutes(2) });
            await pipeline.Watcher.ScanOnceAsync();
            await pipeline.StartRunAsync(Bt, "s1", FaultRuns.Parameters);
            output.WriteLine($"uploaded, pipeline started, run started: {setup.Elapsed.TotalSeconds:0.0} s");
            var clock = Stopwatch.StartNew();
            var stalled = await Assert.ThrowsAsync<RunStalledException>(() => pipeline.WaitForRunAsync(Bt, "s1", TimeSpan.FromSeconds(8)));
            output.WriteLine($"stall reported after {clock.Elapsed.TotalSeconds:0.0} s: {stalled.Message}");
            Assert.StartsWith($"run s1 of {Bt}: no progress for ", stalled.Message);
            Assert.Contains("the limit is 8 s", stalled.Message);
            Assert.True(faults.Count(nameof(CorrelateSeriesActivity)) > 0, "no correlation was started");
            var row = await _bed.Storage.Runs.GetEntityIfExistsAsync<RunRow>(Bt, "s1");
            Assert.True(!row.HasValue || row.Value!.Status == RunStatus.Running, "a stalled run must not be committed");

        }
        finally
        {
            hang.TrySetResult();
        }
    }
}
