using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// Plans a beamtime run: every series folder in raw with its state (ready with its analysis id, incomplete with the
/// missing chunks, or rejected), the transport sets, beam positions and whether XAM scans and echem.csv exist. Writes
/// the run row (running) and plan.json.
/// </summary>
public sealed class PlanRunActivity(PipelineStorage storage) : TaskActivity<BeamtimeRunRequest, RunPlan>
{
    public const string Ready = "ready";
    public const string Incomplete = "incomplete";
    public const string Rejected = "rejected";
    public const string Stale = SeriesStatus.Stale;

    public override async Task<RunPlan> RunAsync(TaskActivityContext context, BeamtimeRunRequest input)
    {
        input.Parameters.QMap?.Validate();
        var beamtime = await BeamtimeInputs.LoadManifestAsync(storage, input.Beamtime);
        var sets = input.Parameters.TransportSets ?? beamtime.TransportSets;
        string setsSource = input.Parameters.TransportSets is null ? $"{input.Beamtime}/{BeamtimeManifest.FileName}" : "run parameter transport_sets";
        foreach (string set in sets)
            if (!BuiltInTransportSets.IsBuiltIn(set))
                throw new DataContractException(setsSource,
                    $"transport set '{RawBlobName.Printable(set)}' is not built in ({string.Join(", ", BuiltInTransportSets.Names)})");
        if (!(input.Parameters.StaleAfterMinutes > 0))
            throw new ArgumentException($"stale_after_min must be positive (got {input.Parameters.StaleAfterMinutes:R})");
        var now = DateTimeOffset.UtcNow;

        var names = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in storage.Raw.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = $"{input.Beamtime}/xpcs/", Delimiter = "/" }))
            if (item.IsPrefix && RawBlobName.Check(item.Prefix + "x").Length == 0) names.Add(item.Prefix.TrimEnd('/').Split('/')[^1]); // bad names: rejections
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == input.Beamtime)) names.Add(row.RowKey);

        var planned = new List<PlannedSeries>();
        foreach (string series in names)
        {
            var (content, incomplete) = await AnalysisIdentity.LoadAsync(storage, input.Beamtime, series);
            if (content is null)
            {
                var row = incomplete!.Row;
                bool rejected = row is { Status: SeriesStatus.Failed, ManifestMd5: null, Reason: not null };
                if (rejected)
                {
                    planned.Add(new PlannedSeries(series, null, Rejected, row!.Reason, 0));
                    continue;
                }
                var idle = now - (row?.LastUploadUtc ?? now);
                if (idle.TotalMinutes <= input.Parameters.StaleAfterMinutes)
                {
                    planned.Add(new PlannedSeries(series, null, Incomplete, incomplete.Reason, 0));
                    continue;
                }
                string reason = $"stale: no upload for {idle.TotalMinutes:0.###} min (stale_after_min {input.Parameters.StaleAfterMinutes:R}); {incomplete.Reason}";
                await SeriesRows.UpdateAsync(storage, input.Beamtime, series, r =>
                {
                    if (r.Status is not (SeriesStatus.Incomplete or SeriesStatus.Stale) || r.LastUploadUtc != row!.LastUploadUtc) return false;
                    (r.Status, r.Reason) = (SeriesStatus.Stale, reason);
                    return true;
                });
                planned.Add(new PlannedSeries(series, null, Stale, reason, 0));
                continue;
            }
            planned.Add(new PlannedSeries(series, content.AnalysisId(input.Parameters.QMap), Ready, null,
                PipelineDefaults.ShardsFor(content.Row.PixelsPerFrame, input.Parameters.ShardPixelThreshold)));
        }
        bool hasXam = false;
        await foreach (var _ in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{input.Beamtime}/xam/" })) { hasXam = true; break; }
        bool hasEchem = await storage.Raw.GetBlobClient($"{input.Beamtime}/echem.csv").ExistsAsync();

        string prefix = ResultNames.RunPrefix(input.Beamtime, input.RunId);
        var plan = new RunPlan(input.Beamtime, input.RunId, prefix, planned, sets, hasXam, hasEchem);
        await BlobTransfer.UploadTextAsync(storage.Results, prefix + ResultNames.PlanFile, JsonSerializer.Serialize(plan));
        await storage.Runs.UpsertEntityAsync(new RunRow
        {
            PartitionKey = input.Beamtime,
            RowKey = input.RunId,
            RunId = input.RunId,
            InstanceId = context.InstanceId,
            Status = RunStatus.Running,
            ParametersJson = JsonSerializer.Serialize(input.Parameters),
            ResultPrefix = prefix,
            CreatedUtc = DateTimeOffset.UtcNow,
        });
        return plan;
    }
}

/// <summary>Reading the beamtime-level inputs from the raw container.</summary>
internal static class BeamtimeInputs
{
    public static async Task<BeamtimeManifest> LoadManifestAsync(PipelineStorage storage, string beamtime)
    {
        string blob = $"{beamtime}/{BeamtimeManifest.FileName}";
        string text = await BlobTransfer.DownloadTextOrNullAsync(storage.Raw, blob, SeriesManifest.MaxManifestBytes)
                      ?? throw new DataContractException(blob, "is missing: a beamtime needs its beamtime.json");
        var manifest = BeamtimeManifest.Parse(text, blob);
        if (manifest.Beamtime != beamtime) throw new DataContractException(blob, $"declares beamtime '{manifest.Beamtime}' but lies in '{beamtime}/'");
        return manifest;
    }

    /// <summary>beamtime.json, echem.csv, xam/ and measured/ into {folder}/{beamtime}/ (the contract layout).</summary>
    public static async Task<string> DownloadAsync(PipelineStorage storage, string beamtime, LocalWorkspace workspace)
    {
        string folder = workspace.Folder("inputs", beamtime);
        await BlobTransfer.DownloadPrefixAsync(storage.Raw, beamtime + "/", folder,
            relative => relative is "beamtime.json" or "echem.csv" || relative.StartsWith("xam/", StringComparison.Ordinal)
                        || relative.StartsWith("measured/", StringComparison.Ordinal));
        return folder;
    }
}

/// <summary>Copies an analysis' g2.h5 and fit.json into the run folder (results/{beamtime}/runs/{runId}/xpcs/{series}/).</summary>
public sealed class PublishSeriesActivity(PipelineStorage storage) : TaskActivity<PublishSeriesRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishSeriesRequest input)
    {
        string target = input.RunPrefix + ResultNames.SeriesFolder(input.Outcome.Series);
        foreach (string file in new[] { ResultNames.G2File, ResultNames.FitFile })
            await BlobTransfer.CopyAsync(storage.Results, input.Outcome.ResultPrefix + file, target + file);
        return true;
    }
}

/// <summary>XAM raster scans of the beamtime into concentration profiles (xam/profiles.csv of the run).</summary>
public sealed class BuildXamProfilesActivity(PipelineStorage storage) : TaskActivity<BeamtimeStepRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, BeamtimeStepRequest input)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = LocalWorkspace.Create("xam");
        string beamtimeFolder = await BeamtimeInputs.DownloadAsync(storage, input.Beamtime, workspace);
        string output = Path.Combine(workspace.Root, XamBeamtime.ProfilesFileName);
        workspace.NamingBlobs(() => XamBeamtime.Process(beamtimeFolder, output), workspace.Folder("inputs"));
        string blob = input.RunPrefix + "xam/" + XamBeamtime.ProfilesFileName;
        await BlobTransfer.UploadFileAsync(storage.Results, blob, output);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>
/// The continuum model of the beamtime's cell for one transport set (simulations/{set}.json of the run), simulated at
/// every measurement time and velocity position of the run (its own fits and profiles, plus reduced measurements).
/// </summary>
public sealed class SimulateCellActivity(PipelineStorage storage, IActivityFaults? faults = null) : TaskActivity<SimulateRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, SimulateRequest input)
    {
        var clock = Stopwatch.StartNew();
        if (faults is not null) await faults.BeforeActivityAsync(nameof(SimulateCellActivity), $"{input.RunPrefix}{input.Set}");
        using var workspace = LocalWorkspace.Create("simulate");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        var measured = MeasuredBeamtimeLoader.Load(inputs, run).Measured;
        var result = ContinuumCellSolver.Simulate(ComparisonSimulation.SpecFor(measured, ComparisonFiles.ResolveSet(input.Set)));
        using var stream = new MemoryStream();
        SimulationJson.Write(result, stream);
        string blob = input.RunPrefix + SimulationJson.RelativePath(input.Set);
        await storage.Results.GetBlobClient(blob).UploadAsync(new BinaryData(stream.ToArray()), overwrite: true);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>
/// comparison.json of the run: measured (the run's fits and XAM profiles, echem.csv, reduced measurements) against the
/// run's simulations; one row per set in the comparisons table. Returns the sets, best first.
/// </summary>
public sealed class CompareActivity(PipelineStorage storage) : TaskActivity<CompareRequest, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, CompareRequest input)
    {
        using var workspace = LocalWorkspace.Create("compare");
        var (inputs, run) = await RunFolders.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        var result = ComparisonFiles.Run(inputs, run, run, new ComparisonFileOptions { Sets = input.Sets });
        await BlobTransfer.UploadFileAsync(storage.Results, input.RunPrefix + ComparisonJson.FileName, result.ComparisonPath);
        var document = ComparisonDocument.From(result.Comparison, new ComparisonOptions());
        foreach (var ranked in document.Ranking)
        {
            await storage.Comparisons.UpsertEntityAsync(new ComparisonRow
            {
                PartitionKey = input.Beamtime,
                RowKey = $"{input.RunId}|{ranked.Set}",
                RunId = input.RunId,
                Set = ranked.Set,
                Rank = ranked.Rank,
                Score = document.Sets.FirstOrDefault(s => s.Set == ranked.Set)?.Score,
                Reasons = string.Join("; ", ranked.Reasons),
            }, Azure.Data.Tables.TableUpdateMode.Replace);
        }
        return document.Ranking.OrderBy(r => r.Rank).Select(r => r.Set).ToList();
    }
}

/// <summary>The beamtime inputs and the run folder so far, materialised in the contract layout for the offline code.</summary>
internal static class RunFolders
{
    public static async Task<(string Inputs, string Run)> DownloadAsync(PipelineStorage storage, string beamtime, string runPrefix, LocalWorkspace workspace)
    {
        string inputs = await BeamtimeInputs.DownloadAsync(storage, beamtime, workspace);
        string run = workspace.Folder("run");
        await BlobTransfer.DownloadPrefixAsync(storage.Results, runPrefix, run,
            relative => relative.EndsWith("/fit.json", StringComparison.Ordinal) || relative == "xam/profiles.csv"
                        || relative.StartsWith("simulations/", StringComparison.Ordinal));
        return (inputs, run);
    }
}

/// <summary>run.json of the run: parameters, inputs with MD5, versions, every series with status and speed.</summary>
public sealed class WriteRunManifestActivity(PipelineStorage storage) : TaskActivity<CommitRunRequest, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, CommitRunRequest input)
    {
        var planText = await BlobTransfer.DownloadTextOrNullAsync(storage.Results, input.RunPrefix + ResultNames.PlanFile, 16 << 20)
                       ?? throw new InvalidOperationException($"{input.RunPrefix}{ResultNames.PlanFile} is missing");
        var plan = JsonSerializer.Deserialize<RunPlan>(planText)!;
        var series = new List<RunJsonSeries>();
        foreach (var planned in plan.Series)
        {
            if (planned.AnalysisId is null)
            {
                series.Add(new RunJsonSeries(planned.Series, planned.State == PlanRunActivity.Stale ? SeriesStatus.Stale : SeriesStatus.Failed,
                    planned.Reason, null, null, null, null));
                continue;
            }
            var row = await storage.Analyses.GetEntityIfExistsAsync<AnalysisRow>(input.Beamtime, planned.AnalysisId);
            series.Add(row.HasValue
                ? new RunJsonSeries(planned.Series, row.Value!.Status, row.Value.Reason, row.Value.SpeedAPerS, row.Value.SpeedErrAPerS, row.Value.Resolvable,
                    planned.AnalysisId)
                : new RunJsonSeries(planned.Series, SeriesStatus.Failed, "the analysis did not record an outcome", null, null, null, planned.AnalysisId));
        }
        var inputs = new List<RunJsonInput>();
        await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = input.Beamtime + "/" }))
            inputs.Add(new RunJsonInput(blob.Name[(input.Beamtime.Length + 1)..],
                blob.Properties.ContentHash is { Length: > 0 } md5 ? Convert.ToBase64String(md5) : null, blob.Properties.ContentLength ?? 0));
        int analysed = series.Count(s => s.Status == SeriesStatus.Analysed);
        int failed = series.Count - analysed;
        var runJson = new RunJson(input.Beamtime, input.RunId, input.CreatedUtc.ToString("O"), input.Parameters, inputs,
            new Dictionary<string, string> { ["cloudxpcs"] = Version }, series, input.StepFailures);
        await BlobTransfer.UploadTextAsync(storage.Results, input.RunPrefix + ResultNames.RunFile,
            JsonSerializer.Serialize(runJson, new JsonSerializerOptions
            {
                // Base64 MD5s keep their '+' (the default encoder writes \u002B).
                WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
        string status = input.StepFailures.Count == 0 ? RunStatus.Completed : RunStatus.Failed;
        return new RunOutcome(input.Beamtime, input.RunId, status, input.RunPrefix, analysed, failed, input.StepFailures)
        {
            SeriesUnresolvable = series.Count(s => s.Resolvable == false),
        };
    }

    public static string Version =>
        typeof(WriteRunManifestActivity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}

/// <summary>
/// Commits a run after everything else is written: the run row is marked completed (or failed, with the failed steps)
/// and becomes the beamtime's latest; "beamtime run completed" is published. Readers that follow the table never see
/// half a run.
/// </summary>
public sealed class CommitRunActivity(PipelineStorage storage, IPipelineNotifier notifier) : TaskActivity<RunOutcome, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, RunOutcome input)
    {
        string status = input.Status;
        int analysed = input.SeriesAnalysed, failed = input.SeriesFailed;
        var runRow = (await storage.Runs.GetEntityAsync<RunRow>(input.Beamtime, input.RunId)).Value;
        runRow.Status = status;
        runRow.CompletedUtc = DateTimeOffset.UtcNow;
        runRow.SeriesAnalysed = analysed;
        runRow.SeriesFailed = failed;
        runRow.SeriesUnresolvable = input.SeriesUnresolvable;
        runRow.Reason = input.StepFailures.Count == 0 ? null : string.Join("; ", input.StepFailures);
        await storage.Runs.UpdateEntityAsync(runRow, Azure.ETag.All);
        await storage.Runs.UpsertEntityAsync(new RunRow
        {
            PartitionKey = input.Beamtime, RowKey = RunRow.LatestRowKey, RunId = input.RunId, Status = status, InstanceId = runRow.InstanceId,
            ParametersJson = runRow.ParametersJson, ResultPrefix = input.ResultPrefix, CreatedUtc = runRow.CreatedUtc, CompletedUtc = runRow.CompletedUtc,
            SeriesAnalysed = analysed, SeriesFailed = failed, SeriesUnresolvable = runRow.SeriesUnresolvable, Reason = runRow.Reason,
        }, Azure.Data.Tables.TableUpdateMode.Replace);
        await notifier.PublishAsync(new PipelineEvent(PipelineEventKind.BeamtimeRunCompleted, input.Beamtime, null, input.RunId,
            $"{status}: {analysed} series analysed, {failed} failed", DateTimeOffset.UtcNow));
        return input;
    }
}

/// <summary>
/// A run that failed before it had a plan (unknown transport set, unreadable beamtime.json): the run row records it as
/// failed with the reason. The beamtime's latest run stays as it was.
/// </summary>
public sealed class FailRunActivity(PipelineStorage storage, IPipelineNotifier notifier) : TaskActivity<FailRunRequest, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, FailRunRequest input)
    {
        string prefix = ResultNames.RunPrefix(input.Beamtime, input.RunId);
        await storage.Runs.UpsertEntityAsync(new RunRow
        {
            PartitionKey = input.Beamtime, RowKey = input.RunId, RunId = input.RunId, InstanceId = input.InstanceId, Status = RunStatus.Failed,
            ParametersJson = JsonSerializer.Serialize(input.Parameters), ResultPrefix = prefix, CreatedUtc = new DateTimeOffset(input.CreatedUtc, TimeSpan.Zero),
            CompletedUtc = DateTimeOffset.UtcNow, Reason = input.Reason,
        }, Azure.Data.Tables.TableUpdateMode.Replace);
        await notifier.PublishAsync(new PipelineEvent(PipelineEventKind.BeamtimeRunCompleted, input.Beamtime, null, input.RunId,
            $"{RunStatus.Failed}: {input.Reason}", DateTimeOffset.UtcNow));
        return new RunOutcome(input.Beamtime, input.RunId, RunStatus.Failed, prefix, 0, 0, [input.Reason]);
    }
}

/// <summary>report/index.html and its figures for the run folder (CloudXpcs.Reporting), uploaded under the run.</summary>
public sealed class ReportActivity(PipelineStorage storage) : TaskActivity<BeamtimeStepRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, BeamtimeStepRequest input)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = LocalWorkspace.Create("report");
        string run = workspace.Folder("run");
        await BlobTransfer.DownloadPrefixAsync(storage.Results, input.RunPrefix, run,
            relative => !relative.StartsWith("report/", StringComparison.Ordinal) && relative != ResultNames.PlanFile);
        var summary = Reporting.RunReport.Write(run, new Reporting.ReportOptions
        {
            RunFolderLabel = $"{storage.Options.ResultsContainer}/{input.RunPrefix} (storage; downloaded by run, reprocess and demo)",
        });
        await BlobTransfer.UploadFolderAsync(storage.Results, input.RunPrefix + "report/", Path.GetDirectoryName(summary.IndexPath)!);
        return new ActivityResult(input.RunPrefix + "report/index.html", clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>run.json (schema "cloudxpcs.run/1", docs/DATA_CONTRACT.md extensions).</summary>
public sealed record RunJson(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("created_utc")] string CreatedUtc,
    [property: JsonPropertyName("parameters")] RunParameters Parameters,
    [property: JsonPropertyName("inputs")] IReadOnlyList<RunJsonInput> Inputs,
    [property: JsonPropertyName("versions")] IReadOnlyDictionary<string, string> Versions,
    [property: JsonPropertyName("series")] IReadOnlyList<RunJsonSeries> Series,
    [property: JsonPropertyName("step_failures")] IReadOnlyList<string> StepFailures)
{
    [JsonPropertyName("schema")] public string Schema { get; init; } = "cloudxpcs.run/1";
}

public sealed record RunJsonInput(
    [property: JsonPropertyName("blob")] string Blob,
    [property: JsonPropertyName("md5")] string? Md5,
    [property: JsonPropertyName("bytes")] long Bytes);

public sealed record RunJsonSeries(
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("speed_A_per_s")] double? SpeedAPerS,
    [property: JsonPropertyName("speed_err_A_per_s")] double? SpeedErrAPerS,
    [property: JsonPropertyName("resolvable")] bool? Resolvable,
    [property: JsonPropertyName("analysis_id")] string? AnalysisId);
