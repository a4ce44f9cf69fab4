using System.Text.Json;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// A run (the HTTP API's StartRun and <c>cloudxpcs run --twotime</c> start the same orchestration with the same
/// RunParameters) whose two-time exceeds the worker's budget: every series is failed with the budget's reason (the
/// series, MiB needed against the budget), no two-time maps, g2.h5 or fit.json are written, and the run ends
/// CompletedWithFailures (the CLI's exit code 3), not silently completed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwoTimeBudgetPipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_run_whose_two_time_exceeds_the_budget_fails_each_series_naming_the_bytes_needed_and_the_budget()
    {
        var beamtime = SyntheticBeamtimeWriter.Write(_bed.Temp.File("ttbudget"), new SyntheticBeamtimeSpec
        {
            Beamtime = "ttbudget", Frames = 256, DetectorBinning = 8, SeriesTimesMin = [300], XamTimesMin = [0, 314], Seed = 7, TransportSets = ["RS"],
        });
        var qmap = new QMapOverride(0.0029, 0.0192, 3, 2, 2);
        // Room for the multi-tau correlation (1 MiB to spare), not for the two-time of 256 frames of every bin.
        var manifest = Data.Manifests.SeriesManifest.Load(Path.Combine(beamtime.Folder, "xpcs", beamtime.Series[0].Series, "series.json"));
        long multiTau = ResourceBudget.EstimateBytes(manifest.Frames, manifest.PixelsPerFrame, qmap.ToSpec(), manifest.DelaysPerLevel);
        var budget = new ResourceBudget(MaxMemoryBytes: multiTau + (1L << 20));
        long budgetMib = (budget.MaxMemoryBytes + (1L << 20) - 1) >> 20;
        await _bed.UploadAsync(beamtime.Folder, "ttbudget");
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions() with
        {
            ConfigureServices = services => services.AddSingleton(new PipelineWorkerSettings { CorrelationThreads = 1, Budget = budget }),
        });
        await pipeline.Watcher.ScanOnceAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string instance = await pipeline.StartRunAsync("ttbudget", "ttb1", new RunParameters { Infer = false, QMap = qmap, TwoTime = new TwoTimeParameters() });
        var state = await pipeline.WaitAsync(instance);
        output.WriteLine($"run refused by the two-time budget ({budgetMib} MiB): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(RunStatus.CompletedWithFailures, outcome.Status);
        Assert.Equal((0, beamtime.Series.Count), (outcome.SeriesAnalysed, outcome.SeriesFailed));

        string run = ResultNames.RunPrefix("ttbudget", "ttb1");
        using var runJson = JsonDocument.Parse((await _bed.Storage.Results.GetBlobClient(run + ResultNames.RunFile).DownloadContentAsync()).Value.Content.ToString());
        var entries = runJson.RootElement.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("series").GetString()!, s => s.Clone());
        foreach (var series in beamtime.Series)
        {
            var entry = entries[series.Series];
            string reason = entry.GetProperty("reason").GetString()!;
            output.WriteLine($"{series.Series}: {reason}");
            Assert.Equal(SeriesStatus.Failed.Name(), entry.GetProperty("status").GetString());
            Assert.Contains($"ttbudget/xpcs/{series.Series}/series.json", reason);
            Assert.Contains("two-time of 256 correlator frames", reason);
            Assert.Matches(@"needs about \d+ MiB", reason);
            Assert.Contains($"beyond the budget of {budgetMib} MiB", reason);
        }
        // Nothing of the refused analyses is published: no bin-group maps, no g2.h5, no fit.json.
        var results = await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, "ttbudget/");
        Assert.DoesNotContain(results.Keys, k => k.Contains("/twotime/", StringComparison.Ordinal));
        Assert.DoesNotContain(results.Keys, k => k.EndsWith("/g2.h5", StringComparison.Ordinal) || k.EndsWith("/fit.json", StringComparison.Ordinal));
    }
}
