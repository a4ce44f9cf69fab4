using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Data.Tests.Support;
using Microsoft.DurableTask.Client;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Tests.Support;

/// <summary>
/// What the fault tests share: the small beamtime (5 series × 256 frames, 128×128 px), the files of a run that must
/// not depend on faults, the raw-container snapshot, and a wait that checks the commit invariant on every poll.
/// </summary>
public static class FaultRuns
{
    public const string Beamtime = "bt";
    public static RunParameters Parameters { get; } = new() { Infer = false };


    /// <summary>
    /// The run's result files that are a pure function of the raw data (SHA-256 by name below the run folder): every
    /// series' g2.h5 and fit.json, XAM profiles, simulations and comparison. run.json, plan.json and the report name
    /// the run and its time, so they are left out.
    /// </summary>
    public static async Task<SortedDictionary<string, string>> ResultFilesAsync(PipelineStorage storage, string beamtime, string runId)
    {
        string prefix = ResultNames.RunPrefix(beamtime, runId);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in storage.Results.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            string relative = blob.Name[prefix.Length..];
            if (relative is ResultNames.RunFile or ResultNames.PlanFile || relative.StartsWith("report/", StringComparison.Ordinal)) continue;
            var content = (await storage.Results.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content;
            files[relative] = Convert.ToHexStringLower(SHA256.HashData(content.ToArray()));
        }
        return files;
    }

    /// <summary>Every blob of a container: name → ETag, Content-MD5 and length.</summary>
    public static Task<Dictionary<string, string>> SnapshotAsync(BlobContainerClient container, string prefix = "") =>
        BeamtimePipelineTests.Snapshot(container, prefix);

    /// <summary>The offline analysis of a series folder (correlate into g2.h5, fit into fit.json), as the activities do it.</summary>
    public static string OfflineFitJson(string seriesFolder, string workFolder)
    {
        Directory.CreateDirectory(workFolder);
        string g2 = Path.Combine(workFolder, "g2.h5"), fit = Path.Combine(workFolder, "fit.json");
        SeriesCorrelation.CorrelateToFile(seriesFolder, g2, new SeriesCorrelationOptions { Threads = 1 });
        SeriesAnalysis.FitG2FileToJson(g2, Path.Combine(seriesFolder, "series.json"), fit);
        return File.ReadAllText(fit);
    }

    public static async Task<string> RunFileTextAsync(PipelineStorage storage, string beamtime, string runId, string relative) =>
        (await storage.Results.GetBlobClient(ResultNames.RunPrefix(beamtime, runId) + relative).DownloadContentAsync()).Value.Content.ToString();

    public static async Task<List<AnalysisRow>> AnalysesAsync(PipelineStorage storage, string beamtime)
    {
        var rows = new List<AnalysisRow>();
        await foreach (var row in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == beamtime)) rows.Add(row);
        return rows;
    }

    /// <summary>
    /// Polls the run until it ends, tolerating storage errors (the Azurite-outage test), and on every poll checks that a
    /// reader never sees half a run: the "latest" row names the run only once its own row is committed, and a committed
    /// row has run.json and comparison.json. Returns the final state and how many polls saw the run still running.
    /// </summary>
    public static async Task<(OrchestrationMetadata State, int RunningPolls)> WaitCheckingCommitAsync(LocalPipeline pipeline, string instance,
        PipelineStorage storage, string beamtime, string runId, TimeSpan timeout, Func<Task>? tick = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        int runningPolls = 0;
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"run {runId} did not end within {timeout}");
            try
            {
                var state = await pipeline.Client.GetInstanceAsync(instance, getInputsAndOutputs: true);
                if (await CheckCommitInvariantAsync(storage, beamtime, runId) == RunStatus.Running) runningPolls++;
                if (state is { IsCompleted: true }) return (state, runningPolls);
            }
            catch (Exception e) when (e is Azure.RequestFailedException or Grpc.Core.RpcException or HttpRequestException or IOException)
            {
            }
            if (tick is not null) await tick();
            await Task.Delay(250);
        }
    }

    /// <summary>The run row's status (null before it exists), after asserting the commit invariant.</summary>
    public static async Task<RunStatus?> CheckCommitInvariantAsync(PipelineStorage storage, string beamtime, string runId)
    {
        // Read in the reverse order of the writes: latest row, run row, files.
        var latest = await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, RunRow.LatestRowKey);
        var row = await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, runId);
        RunStatus? status = row.HasValue ? row.Value!.Status : null;
        if (latest.HasValue && latest.Value!.RunId == runId)
            Assert.True(status is not null and not RunStatus.Running, $"the latest row names run {runId} while its row says {status}");
        if (status is not null and not RunStatus.Running)
        {
            string prefix = ResultNames.RunPrefix(beamtime, runId);
            foreach (string file in new[] { ResultNames.RunFile, "comparison.json" })
                Assert.True(await storage.Results.GetBlobClient(prefix + file).ExistsAsync(), $"run {runId} is {status} but {prefix}{file} is missing");
        }
        return status;
    }
}

/// <summary>Counts the start of every activity attempt by (activity, input key) and lets a test decide what each attempt does.</summary>
public sealed class ScriptedFaults(Func<string, string, int, Task>? onAttempt = null) : IActivityFaults
{
    public ConcurrentDictionary<(string Activity, string Key), int> Attempts { get; } = new();

    public async Task BeforeActivityAsync(string activity, string inputKey)
    {
        int attempt = Attempts.AddOrUpdate((activity, inputKey), 1, (_, n) => n + 1);
        if (onAttempt is not null) await onAttempt(activity, inputKey, attempt);
    }

    public int Count(string activity) => Attempts.Where(a => a.Key.Activity == activity).Sum(a => a.Value);
}

/// <summary>
/// The fault tests' beamtimes, written once: the small beamtime (5 series × 256 frames, 128×128 px) and another of the
/// same layout and another seed, whose chunks serve as "the same chunk with other content".
/// </summary>
public sealed class FaultBeamtimes : IDisposable
{
    private readonly TempFolder _temp = new();

    public FaultBeamtimes()
    {
        Main = Write(FaultRuns.Beamtime, 11);
        Other = Write("other", 99);
    }

    public SyntheticBeamtime Main { get; }
    public SyntheticBeamtime Other { get; }

    private SyntheticBeamtime Write(string name, int seed) => SyntheticBeamtimeWriter.Write(_temp.File(name), new SyntheticBeamtimeSpec
    {
        Beamtime = name, Frames = 256, Seed = seed, SeriesTimesMin = [60], XamTimesMin = [0, 151, 314],
    });

    public void Dispose() => _temp.Dispose();
}
