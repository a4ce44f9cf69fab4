using CloudXpcs.Data.Xam;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Electrolyte;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

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
    public static readonly string Stale = SeriesStatus.Stale.Name();

    public override async Task<RunPlan> RunAsync(TaskActivityContext context, BeamtimeRunRequest input)
    {
        input.Parameters.QMap?.Validate();
        // The beamtime-level versions first: the plan, and every step after it, read exactly these.
        var beamtimeInputs = await BeamtimeInputVersions.ListAsync(storage, input.Beamtime);
        var beamtime = await BeamtimeInputs.LoadManifestAsync(storage, input.Beamtime, beamtimeInputs);
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

        // The series' rows are read side by side (a handful of round trips each); the plan is built in name order from them.
        var ordered = names.ToList();
        var loaded = new (SeriesContent? Content, IncompleteSeries? Incomplete)[ordered.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ordered.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => loaded[i] = await AnalysisIdentity.LoadAsync(storage, input.Beamtime, ordered[i], ct));
        var planned = new List<PlannedSeries>();
        for (int i = 0; i < ordered.Count; i++)
        {
            string series = ordered[i];
            var (content, incomplete) = loaded[i];
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
            planned.Add(new PlannedSeries(series, content.AnalysisId(input.Parameters.QMap, input.Parameters.TwoTime), Ready, null,
                PipelineDefaults.ShardsFor(content.Row.PixelsPerFrame, input.Parameters.ShardPixelThreshold),
                content.ResultBlob is null ? null : content.ResultBlob[(input.Beamtime.Length + 1)..]));
        }
        bool hasXam = beamtimeInputs.Any(i => i.Blob.StartsWith(XamBeamtime.FolderName + "/", StringComparison.Ordinal));
        bool hasEchem = beamtimeInputs.Any(i => i.Blob == Data.Comparison.EchemCsv.FileName);

        string prefix = ResultNames.RunPrefix(input.Beamtime, input.RunId);
        var plan = new RunPlan(input.Beamtime, input.RunId, prefix, planned, sets, hasXam, hasEchem) { BeamtimeInputs = beamtimeInputs };
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
