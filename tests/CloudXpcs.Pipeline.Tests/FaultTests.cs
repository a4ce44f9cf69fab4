using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// Faults against a real Azurite and the durable local host (issue F): each run must complete with results identical
/// to a fault-free run, the raw container must be exactly as uploaded, and readers must never see half a run.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class FaultTests(AzuriteFixture azurite, FaultBeamtimes beamtimes, ITestOutputHelper output) : IClassFixture<FaultBeamtimes>, IDisposable
{
    private const string Bt = FaultRuns.Beamtime;
    private static readonly SemaphoreSlim ReferenceLock = new(1, 1);
    private static FaultFreeRun? _reference;
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    /// <summary>The fault-free run every fault test compares with (computed once per test run).</summary>
    private sealed record FaultFreeRun(SortedDictionary<string, string> Files, string SeriesJson);

    private static string SeriesJson(string runJson) =>
        JsonSerializer.Serialize(JsonDocument.Parse(runJson).RootElement.GetProperty("series"));

    private async Task<FaultFreeRun> ReferenceAsync()
    {
        await ReferenceLock.WaitAsync();
        try
        {
            if (_reference is not null) return _reference;
            using var bed = new PipelineTestBed(azurite);
            var beamtime = beamtimes.Main;
            await bed.UploadAsync(beamtime.Folder, Bt);
            await using var pipeline = await LocalPipeline.StartAsync(bed.PipelineOptions());
            await pipeline.Watcher.ScanOnceAsync();
            var clock = Stopwatch.StartNew();
            string instance = await pipeline.StartRunAsync(Bt, "ref", FaultRuns.Parameters);
            var (state, _) = await FaultRuns.WaitCheckingCommitAsync(pipeline, instance, bed.Storage, Bt, "ref", TimeSpan.FromMinutes(4));
            output.WriteLine($"fault-free reference run: {clock.Elapsed.TotalSeconds:0.0} s");
            AssertCompleted(state, beamtime.Series.Count);
            // The pipeline's fits equal the offline analysis of the same series.
            foreach (var series in beamtime.Series)
                Assert.Equal(FaultRuns.OfflineFitJson(Path.Combine(beamtime.Folder, "xpcs", series.Series), bed.Temp.File("offline-" + series.Series)),
                    await FaultRuns.RunFileTextAsync(bed.Storage, Bt, "ref", $"xpcs/{series.Series}/fit.json"));
            var files = await FaultRuns.ResultFilesAsync(bed.Storage, Bt, "ref");
            Assert.Contains("comparison.json", files.Keys);
            Assert.Equal(2, files.Keys.Count(k => k.StartsWith("simulations/", StringComparison.Ordinal)));
            return _reference = new FaultFreeRun(files, SeriesJson(await FaultRuns.RunFileTextAsync(bed.Storage, Bt, "ref", ResultNames.RunFile)));
        }
        finally
        {
            ReferenceLock.Release();
        }
    }

    private static void AssertCompleted(OrchestrationMetadata state, int series)
    {
        Assert.True(state.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal((RunStatus.Completed, series, 0), (outcome.Status, outcome.SeriesAnalysed, outcome.SeriesFailed));
        Assert.Empty(outcome.StepFailures);
    }

    private async Task AssertEqualsReferenceAsync(PipelineStorage storage, string runId)
    {
        var reference = await ReferenceAsync();
        Assert.Equal(reference.Files, await FaultRuns.ResultFilesAsync(storage, Bt, runId));
        Assert.Equal(reference.SeriesJson, SeriesJson(await FaultRuns.RunFileTextAsync(storage, Bt, runId, ResultNames.RunFile)));
    }

    private LocalPipelineOptions WithFaults(PipelineTestBed bed, IActivityFaults faults) =>
        bed.PipelineOptions() with { ConfigureServices = services => services.AddSingleton(faults) };

    [Fact]
    public async Task Transient_faults_in_correlation_fit_and_simulation_are_retried_and_the_run_equals_a_fault_free_run()
    {
        await ReferenceAsync();
        var beamtime = beamtimes.Main;
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var rawBefore = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        var faults = new ScriptedFaults((activity, key, attempt) =>
            attempt == 1 ? throw new IOException($"injected transient fault: {activity} {key}") : Task.CompletedTask);

        await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, faults));
        await pipeline.Watcher.ScanOnceAsync();
        var clock = Stopwatch.StartNew();
        string instance = await pipeline.StartRunAsync(Bt, "r1", FaultRuns.Parameters);
        var (state, runningPolls) = await FaultRuns.WaitCheckingCommitAsync(pipeline, instance, _bed.Storage, Bt, "r1", TimeSpan.FromMinutes(4));
        output.WriteLine($"run with the first attempt of every correlation, fit and simulation failing: {clock.Elapsed.TotalSeconds:0.0} s, " +
                         $"{faults.Attempts.Sum(a => a.Value)} attempts, {runningPolls} polls saw it running");

        AssertCompleted(state, beamtime.Series.Count);
        await AssertEqualsReferenceAsync(_bed.Storage, "r1");
        // Every correlation, fit and simulation failed once and succeeded on its retry.
        Assert.Equal(beamtime.Series.Count, faults.Attempts.Keys.Count(k => k.Activity == nameof(CorrelateSeriesActivity)));
        Assert.Equal(beamtime.Series.Count, faults.Attempts.Keys.Count(k => k.Activity == nameof(FitSeriesActivity)));
        Assert.Equal(2, faults.Attempts.Keys.Count(k => k.Activity == nameof(SimulateCellActivity)));
        Assert.All(faults.Attempts, a => Assert.True(a.Value == 2, $"{a.Key}: {a.Value} attempts"));
        Assert.Equal(rawBefore, await FaultRuns.SnapshotAsync(_bed.Storage.Raw));
    }

    [Fact]
    public async Task A_broken_input_fault_is_not_retried_and_fails_only_its_series()
    {
        await ReferenceAsync();
        var beamtime = beamtimes.Main;
        string broken = beamtime.Series[2].Series;
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var rawBefore = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        var faults = new ScriptedFaults((activity, key, _) =>
            activity == nameof(CorrelateSeriesActivity) && key.StartsWith(broken + "/", StringComparison.Ordinal)
                ? throw new DataContractException($"{Bt}/xpcs/{broken}/chunk-00000.h5", "injected broken input") : Task.CompletedTask);

        await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, faults));
        await pipeline.Watcher.ScanOnceAsync();
        var rows = await WaitForAnalysesAsync(_bed.Storage, beamtime.Series.Count);

        var failed = Assert.Single(rows, r => r.Status == SeriesStatus.Failed);
        Assert.Equal(broken, failed.Series);
        Assert.Contains("injected broken input", failed.Reason);
        Assert.Equal(1, faults.Attempts.Single(a => a.Key.Activity == nameof(CorrelateSeriesActivity) && a.Key.Key.StartsWith(broken + "/")).Value);
        Assert.DoesNotContain(faults.Attempts.Keys, k => k.Activity == nameof(FitSeriesActivity) && k.Key.StartsWith(broken + "/", StringComparison.Ordinal));
        var reference = await ReferenceAsync();
        foreach (var row in rows.Where(r => r.Status == SeriesStatus.Analysed))
        {
            var fit = (await _bed.Storage.Results.GetBlobClient(row.ResultPrefix + ResultNames.FitFile).DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(reference.Files[$"xpcs/{row.Series}/fit.json"], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fit)));
        }
        Assert.Equal(rawBefore, await FaultRuns.SnapshotAsync(_bed.Storage.Raw));
    }

    [Fact]
    public async Task Duplicated_and_reordered_blob_events_during_a_run_give_one_analysis_per_series_and_identical_results()
    {
        await ReferenceAsync();
        var beamtime = beamtimes.Main;
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var rawBefore = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        var names = rawBefore.Keys.ToList();
        var counting = new ScriptedFaults();
        await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, counting));
        var random = new Random(20201);
        int storms = 0, events = 0;

        // Every blob event three times, shuffled, four at once; a fresh watcher re-delivers every blob as well.
        async Task Storm()
        {
            var shuffled = names.Concat(names).Concat(names).OrderBy(_ => random.Next()).ToList();
            await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (name, _) => await pipeline.Ingestor.IngestAsync(name));
            await new RawBlobWatcher(_bed.Storage, pipeline.Ingestor).ScanOnceAsync();
            storms++;
            events += shuffled.Count + names.Count;
        }

        await Storm();
        var clock = Stopwatch.StartNew();
        string instance = await pipeline.StartRunAsync(Bt, "r1", FaultRuns.Parameters);
        var (state, _) = await FaultRuns.WaitCheckingCommitAsync(pipeline, instance, _bed.Storage, Bt, "r1", TimeSpan.FromMinutes(4), Storm);
        output.WriteLine($"run under {storms} storms ({events} duplicated, shuffled blob events): {clock.Elapsed.TotalSeconds:0.0} s");

        AssertCompleted(state, beamtime.Series.Count);
        var analyses = await FaultRuns.AnalysesAsync(_bed.Storage, Bt);
        Assert.Equal(beamtime.Series.Select(s => s.Series).Order(), analyses.Select(a => a.Series).Order());
        Assert.All(analyses, a => Assert.Equal(SeriesStatus.Analysed, a.Status));
        Assert.Equal(beamtime.Series.Count, counting.Count(nameof(CorrelateSeriesActivity)));
        Assert.Equal(beamtime.Series.Count, counting.Count(nameof(FitSeriesActivity)));
        await AssertEqualsReferenceAsync(_bed.Storage, "r1");
        Assert.Equal(rawBefore, await FaultRuns.SnapshotAsync(_bed.Storage.Raw));
    }

    [Fact]
    public async Task A_chunk_uploaded_again_with_other_content_makes_a_new_analysis_and_run_and_leaves_the_earlier_run_unchanged()
    {
        await ReferenceAsync();
        var beamtime = beamtimes.Main;
        string changed = beamtime.Series[1].Series;
        string chunkBlob = $"{Bt}/xpcs/{changed}/chunk-00001.h5";
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var rawBefore = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync();
        string first = await pipeline.StartRunAsync(Bt, "r1", FaultRuns.Parameters);
        AssertCompleted((await FaultRuns.WaitCheckingCommitAsync(pipeline, first, _bed.Storage, Bt, "r1", TimeSpan.FromMinutes(4))).State,
            beamtime.Series.Count);
        await AssertEqualsReferenceAsync(_bed.Storage, "r1");
        var run1Files = await FaultRuns.SnapshotAsync(_bed.Storage.Results, ResultNames.RunPrefix(Bt, "r1"));
        string oldAnalysis = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>(Bt, changed)).Value.AnalysisId!;

        // The same chunk, other content (another seed), as the uploader sends it; then its blob-created event.
        var other = beamtimes.Other;
        string otherChunk = Path.Combine(other.Folder, "xpcs", changed, "chunk-00001.h5");
        Assert.True(await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(otherChunk, chunkBlob, RawUploadMode.NewVersion));
        Assert.Equal(IngestOutcome.AnalysisStarted, await pipeline.Ingestor.IngestAsync(chunkBlob));
        string newAnalysis = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>(Bt, changed)).Value.AnalysisId!;
        Assert.NotEqual(oldAnalysis, newAnalysis);

        string second = await pipeline.StartRunAsync(Bt, "r2", FaultRuns.Parameters);
        AssertCompleted((await FaultRuns.WaitCheckingCommitAsync(pipeline, second, _bed.Storage, Bt, "r2", TimeSpan.FromMinutes(4))).State,
            beamtime.Series.Count);

        // The new run: the changed series from the new content only, every other series reused.
        Assert.Equal(OfflineFitWithChunk1From(beamtime, changed, otherChunk),
            await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r2", $"xpcs/{changed}/fit.json"));
        var ids1 = AnalysisIds(await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r1", ResultNames.RunFile));
        var ids2 = AnalysisIds(await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r2", ResultNames.RunFile));
        Assert.Equal((oldAnalysis, newAnalysis), (ids1[changed], ids2[changed]));
        foreach (var series in beamtime.Series.Where(s => s.Series != changed))
        {
            Assert.Equal(ids1[series.Series], ids2[series.Series]);
            Assert.Equal(await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r1", $"xpcs/{series.Series}/fit.json"),
                await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r2", $"xpcs/{series.Series}/fit.json"));
        }
        Assert.Equal(beamtime.Series.Count + 1, (await FaultRuns.AnalysesAsync(_bed.Storage, Bt)).Count);

        // The earlier run is untouched; raw holds exactly the uploads (the re-uploaded chunk replaced, nothing else).
        Assert.Equal(run1Files, await FaultRuns.SnapshotAsync(_bed.Storage.Results, ResultNames.RunPrefix(Bt, "r1")));
        await AssertRawUnchangedExceptAsync(rawBefore, chunkBlob);
    }

    [Fact]
    public async Task A_chunk_replaced_while_its_analysis_reads_it_fails_that_analysis_without_mixing_and_the_new_content_is_analysed()
    {
        var beamtime = beamtimes.Main;
        string changed = beamtime.Series[3].Series;
        string chunkBlob = $"{Bt}/xpcs/{changed}/chunk-00001.h5";
        var other = beamtimes.Other;
        string otherChunk = Path.Combine(other.Folder, "xpcs", changed, "chunk-00001.h5");
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var rawBefore = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        // The new upload lands after the analysis was planned and as its correlation starts reading the chunks.
        var faults = new ScriptedFaults(async (activity, key, attempt) =>
        {
            if (activity == nameof(CorrelateSeriesActivity) && key.StartsWith(changed + "/", StringComparison.Ordinal) && attempt == 1)
                await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(otherChunk, chunkBlob, RawUploadMode.NewVersion);
        });
        await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, faults));
        await pipeline.Watcher.ScanOnceAsync();
        var rows = await WaitForAnalysesAsync(_bed.Storage, beamtime.Series.Count);

        var failed = Assert.Single(rows, r => r.Status == SeriesStatus.Failed);
        Assert.Equal(changed, failed.Series);
        output.WriteLine($"analysis {failed.RowKey} failed: {failed.Reason}");
        Assert.Contains("was replaced or deleted while analysis " + failed.RowKey, failed.Reason);
        Assert.Equal(1, faults.Attempts.Single(a => a.Key.Activity == nameof(CorrelateSeriesActivity) && a.Key.Key.StartsWith(changed + "/")).Value);
        Assert.Empty(await FaultRuns.SnapshotAsync(_bed.Storage.Results, failed.ResultPrefix));

        // The new upload's event: a new analysis of the new content only.
        await pipeline.Watcher.ScanOnceAsync();
        rows = await WaitForAnalysesAsync(_bed.Storage, beamtime.Series.Count + 1);
        var fresh = Assert.Single(rows, r => r.Series == changed && r.RowKey != failed.RowKey);
        Assert.Equal(SeriesStatus.Analysed, fresh.Status);
        Assert.Equal(OfflineFitWithChunk1From(beamtime, changed, otherChunk),
            (await _bed.Storage.Results.GetBlobClient(fresh.ResultPrefix + ResultNames.FitFile).DownloadContentAsync()).Value.Content.ToString());
        var seriesRow = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>(Bt, changed)).Value;
        Assert.Equal((fresh.RowKey, SeriesStatus.Analysed), (seriesRow.AnalysisId, seriesRow.Status));
        await AssertRawUnchangedExceptAsync(rawBefore, chunkBlob);
    }

    [Fact]
    public async Task Azurite_stopped_and_restarted_mid_run_and_the_run_completes_with_identical_results()
    {
        await ReferenceAsync();
        string data = _bed.Temp.File("azurite-data");
        var azuriteNow = await AzuriteServer.StartAsync(dataFolder: data);
        var ports = (azuriteNow.BlobPort, azuriteNow.QueuePort, azuriteNow.TablePort);
        try
        {
            using var bed = new PipelineTestBed(azuriteNow.ConnectionString);
            var beamtime = beamtimes.Main;
            await bed.UploadAsync(beamtime.Folder, Bt);
            var rawBefore = await FaultRuns.SnapshotAsync(bed.Storage.Raw);
            await using var pipeline = await LocalPipeline.StartAsync(bed.PipelineOptions() with { MessageLease = TimeSpan.FromSeconds(30) });
            await pipeline.Watcher.ScanOnceAsync();
            var clock = Stopwatch.StartNew();
            string instance = await pipeline.StartRunAsync(Bt, "r1", FaultRuns.Parameters);

            // Stop storage (gracefully, as a service outage: Azurite keeps its data) while series are being analysed.
            int analysed = 0;
            while (analysed < 1)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "no series was analysed within 3 min");
                await Task.Delay(100);
                analysed = (await FaultRuns.AnalysesAsync(bed.Storage, Bt)).Count(a => a.Status == SeriesStatus.Analysed);
            }
            Assert.True(analysed < beamtime.Series.Count, "every series was analysed before storage could be stopped");
            // SIGINT closes the three services (no request is served from then on) and saves their databases; the node
            // process itself lingers while clients keep connections open, so it is ended after a grace period.
            using (var node = Process.GetProcessById(azuriteNow.ProcessId!.Value))
            {
                using var interrupt = Process.Start("kill", ["-INT", node.Id.ToString()])!;
                await interrupt.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await node.WaitForExitAsync(grace.Token); } catch (OperationCanceledException) { }
            }
            await azuriteNow.DisposeAsync();
            var stoppedAt = clock.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(15));
            azuriteNow = await AzuriteServer.StartAsync(ports: ports, dataFolder: data);
            output.WriteLine($"Azurite stopped at {stoppedAt.TotalSeconds:0.0} s with {analysed} of {beamtime.Series.Count} series analysed, " +
                             $"restarted at {clock.Elapsed.TotalSeconds:0.0} s");

            var (state, _) = await FaultRuns.WaitCheckingCommitAsync(pipeline, instance, bed.Storage, Bt, "r1", TimeSpan.FromMinutes(4));
            output.WriteLine($"run completed at {clock.Elapsed.TotalSeconds:0.0} s");
            AssertCompleted(state, beamtime.Series.Count);
            await AssertEqualsReferenceAsync(bed.Storage, "r1");
            Assert.Equal(rawBefore, await FaultRuns.SnapshotAsync(bed.Storage.Raw));
        }
        finally
        {
            await azuriteNow.DisposeAsync();
        }
    }

    /// <summary>Waits until the beamtime has this many analyses, all analysed or failed.</summary>
    private static async Task<List<AnalysisRow>> WaitForAnalysesAsync(PipelineStorage storage, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var rows = await FaultRuns.AnalysesAsync(storage, Bt);
            if (rows.Count >= count && rows.All(r => r.Status is SeriesStatus.Analysed or SeriesStatus.Failed)) return rows;
            Assert.True(DateTime.UtcNow < deadline, $"analyses not done within 3 min: {string.Join(", ", rows.Select(r => $"{r.Series} {r.Status}"))}");
            await Task.Delay(200);
        }
    }

    private async Task AssertRawUnchangedExceptAsync(Dictionary<string, string> before, string replaced)
    {
        var after = await FaultRuns.SnapshotAsync(_bed.Storage.Raw);
        Assert.NotEqual(before[replaced], after[replaced]);
        Assert.Equal(before.Where(b => b.Key != replaced).OrderBy(b => b.Key, StringComparer.Ordinal),
            after.Where(a => a.Key != replaced).OrderBy(a => a.Key, StringComparer.Ordinal));
    }

    private static Dictionary<string, string> AnalysisIds(string runJson) =>
        JsonDocument.Parse(runJson).RootElement.GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("series").GetString()!, s => s.GetProperty("analysis_id").GetString()!);

    /// <summary>fit.json of the offline analysis of a series whose chunk 1 is replaced by <paramref name="chunk"/>.</summary>
    private string OfflineFitWithChunk1From(SyntheticBeamtime beamtime, string series, string chunk)
    {
        string folder = Path.Combine(_bed.Temp.File("new-content"), Bt);
        string seriesFolder = Path.Combine(folder, "xpcs", series);
        Directory.CreateDirectory(seriesFolder);
        foreach (string file in Directory.GetFiles(Path.Combine(beamtime.Folder, "xpcs", series)))
            File.Copy(file, Path.Combine(seriesFolder, Path.GetFileName(file)));
        File.Copy(Path.Combine(beamtime.Folder, "beamtime.json"), Path.Combine(folder, "beamtime.json"));
        // The fit also reads the cell current at the series' time (the Li-interface motion removed from the anion velocity).
        File.Copy(Path.Combine(beamtime.Folder, "echem.csv"), Path.Combine(folder, "echem.csv"));
        File.Copy(chunk, Path.Combine(seriesFolder, "chunk-00001.h5"), overwrite: true);
        return FaultRuns.OfflineFitJson(seriesFolder, _bed.Temp.File("offline-new"));
    }
}
