using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BeamtimePipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_small_beamtime_runs_end_to_end_and_a_corrupt_chunk_fails_only_its_series()
    {
        var beamtime = _bed.WriteBeamtime();
        var broken = beamtime.Series[3].Series;
        string brokenChunk = Path.Combine(beamtime.Folder, "xpcs", broken, "chunk-00001.h5");
        var bytes = File.ReadAllBytes(brokenChunk);
        File.WriteAllBytes(brokenChunk, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        await _bed.UploadAsync(beamtime.Folder, "bt");
        var rawBefore = await Snapshot(_bed.Storage.Raw);

        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        Assert.Equal(rawBefore.Count, await pipeline.Watcher.ScanOnceAsync());
        string instance = await pipeline.StartRunAsync("bt", "run1", new RunParameters { Infer = false });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = await pipeline.WaitAsync(instance);
        output.WriteLine($"run1 (10 series, 256 frames, 128x128 px): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal(9, outcome.SeriesAnalysed);
        Assert.Equal(1, outcome.SeriesFailed);
        Assert.Empty(outcome.StepFailures);

        string run = ResultNames.RunPrefix("bt", "run1");
        var results = await Snapshot(_bed.Storage.Results, run);
        foreach (var series in beamtime.Series.Where(s => s.Series != broken))
        {
            Assert.Contains($"{run}xpcs/{series.Series}/g2.h5", results.Keys);
            Assert.Contains($"{run}xpcs/{series.Series}/fit.json", results.Keys);
        }
        Assert.DoesNotContain(results.Keys, k => k.Contains($"/xpcs/{broken}/", StringComparison.Ordinal));
        foreach (string file in new[] { "xam/profiles.csv", "simulations/PNB.json", "simulations/RS.json", "comparison.json", "report/index.html", "run.json" })
            Assert.Contains(run + file, results.Keys);

        // The g2.h5 the pipeline wrote is the contract's file, readable as such.
        string g2Path = _bed.Temp.File("g2.h5");
        await _bed.Storage.Results.GetBlobClient($"{run}xpcs/{beamtime.Series[0].Series}/g2.h5").DownloadToAsync(g2Path);
        Assert.True(G2File.Read(g2Path).TauCount > 5);

        // run.json names the failed series, its blob and the problem.
        using var runJson = JsonDocument.Parse((await _bed.Storage.Results.GetBlobClient(run + "run.json").DownloadContentAsync()).Value.Content.ToString());
        var failed = runJson.RootElement.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("status").GetString() == SeriesStatus.Failed.Name());
        Assert.Equal(broken, failed.GetProperty("series").GetString());
        Assert.Contains("chunk-00001.h5", failed.GetProperty("reason").GetString());

        // Table rows: series, run and latest run.
        var seriesRow = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", beamtime.Series[0].Series)).Value;
        Assert.Equal(SeriesStatus.Analysed, seriesRow.Status);
        Assert.NotNull(seriesRow.SpeedAPerS);
        Assert.Equal(SeriesStatus.Failed, (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", broken)).Value.Status);
        Assert.Equal(RunStatus.CompletedWithFailures, (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", "run1")).Value.Status);
        Assert.Equal("run1", (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", RunRow.LatestRowKey)).Value.RunId);

        // Notifications: one per series outcome and one for the run.
        var queue = _bed.Storage.Queues.GetQueueClient(_bed.Options.EventsQueue);
        var events = new List<PipelineEvent>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0) break;
            foreach (var message in batch) { events.Add(PipelineEvent.FromJson(message.Body.ToString())); await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt); }
        }
        Assert.Equal(9, events.Count(e => e.Kind == PipelineEventKind.SeriesAnalysed));
        Assert.Equal(1, events.Count(e => e.Kind == PipelineEventKind.SeriesFailed && e.Series == broken));
        Assert.Single(events, e => e.Kind == PipelineEventKind.BeamtimeRunCompleted);

        // Raw data is never modified or deleted.
        Assert.Equal(rawBefore, await Snapshot(_bed.Storage.Raw));

        // Reprocessing with pixel shards makes a new run; earlier runs are kept; the sharded g2 equals the unsharded one.
        string second = await pipeline.StartRunAsync("bt", "run2", new RunParameters { Infer = true, ShardPixelThreshold = 5000 });
        clock.Restart();
        var secondOutcome = (await pipeline.WaitAsync(second)).ReadOutputAs<RunOutcome>()!;
        output.WriteLine($"run2 (4 pixel shards per series): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(9, secondOutcome.SeriesAnalysed);
        Assert.Empty(secondOutcome.StepFailures);
        // The inference sweep ran as activities: both models with intervals, from the run's own measurements.
        string run2 = ResultNames.RunPrefix("bt", "run2");
        var inference = CloudXpcs.Data.Comparison.InferenceJson.Deserialize(
            (await _bed.Storage.Results.GetBlobClient(run2 + "inference.json").DownloadContentAsync()).Value.Content.ToString(), "inference.json");
        Assert.Equal(["constant", "linear"], inference.Models.Select(m => m.Model).Order().ToArray());
        Assert.Contains(inference.Preferred, new[] { "constant", "linear" });
        Assert.Contains((await Snapshot(_bed.Storage.Results, run2 + "inference/")).Keys, k => k.EndsWith(".misfits.json", StringComparison.Ordinal));
        Assert.Equal("run2", (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", RunRow.LatestRowKey)).Value.RunId);
        Assert.Contains(run + "run.json", (await Snapshot(_bed.Storage.Results, run)).Keys);
        string shardedPath = _bed.Temp.File("g2-sharded.h5");
        await _bed.Storage.Results.GetBlobClient($"{ResultNames.RunPrefix("bt", "run2")}xpcs/{beamtime.Series[0].Series}/g2.h5").DownloadToAsync(shardedPath);
        var (whole, sharded) = (G2File.Read(g2Path), G2File.Read(shardedPath));
        Assert.Equal(whole.G2.Length, sharded.G2.Length);
        for (int i = 0; i < whole.G2.Length; i++)
        {
            if (double.IsNaN(whole.G2[i])) { Assert.True(double.IsNaN(sharded.G2[i])); continue; }
            Assert.True(Math.Abs(whole.G2[i] - sharded.G2[i]) <= 1e-9 * Math.Abs(whole.G2[i]), $"g2[{i}] {whole.G2[i]:R} vs {sharded.G2[i]:R}");
        }
        Assert.Equal(rawBefore, await Snapshot(_bed.Storage.Raw));
    }

    internal static async Task<Dictionary<string, string>> Snapshot(Azure.Storage.Blobs.BlobContainerClient container, string prefix = "")
    {
        var blobs = new Dictionary<string, string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
            blobs[blob.Name] = $"{blob.Properties.ETag}|{Convert.ToBase64String(blob.Properties.ContentHash ?? [])}|{blob.Properties.ContentLength}";
        return blobs;
    }
}
