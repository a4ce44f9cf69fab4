using Azure;
using Azure.Data.Tables;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>Starts the analysis orchestration of a complete series unless an instance with that id exists.</summary>
public interface IAnalysisScheduler
{
    Task ScheduleIfAbsentAsync(string instanceId, SeriesAnalysisRequest request, CancellationToken cancellationToken);

    /// <summary>Starts the orchestration of a partial result (live feedback) unless an instance with that id exists; by default none.</summary>
    Task ScheduleLiveIfAbsentAsync(string instanceId, LiveSeriesRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What one blob-created event led to.</summary>
public enum IngestOutcome
{
    /// <summary>The blob is recorded; its series is not complete yet (or the blob is not part of a series).</summary>
    Recorded,
    /// <summary>The series became complete and its analysis was started.</summary>
    AnalysisStarted,
    /// <summary>The series is complete and this content is already being (or was) analysed: nothing to do.</summary>
    AlreadyAnalysed,
    /// <summary>The blob was refused (bad name or bad series.json); a row says why.</summary>
    Rejected,
    /// <summary>The blob no longer exists (deleted or replaced before the event was handled).</summary>
    Gone,
}

/// <summary>
/// Ingest (ARCHITECTURE.md "Flow of data"): a blob-created event for raw/{beamtime}/... is recorded in Table storage
/// (optimistic concurrency on the rows); when a series becomes complete its analysis orchestration is started under an
/// id derived from the content, so duplicate or reordered events never process twice and changed content is processed
/// again. Called by the Event Grid blob trigger in Azure and by the local watcher.
/// </summary>
/// <param name="shardPixelThreshold">Pixels per frame above which the analyses it starts correlate in pixel shards (null = the default).</param>
/// <param name="liveFeedback">Partial results of series whose chunks are still arriving (null: none).</param>
public sealed partial class RawBlobIngestor(PipelineStorage storage, IAnalysisScheduler scheduler, ILogger<RawBlobIngestor> logger, long? shardPixelThreshold = null,
    LiveFeedbackOptions? liveFeedback = null)
{
    public async Task<IngestOutcome> IngestAsync(string blobName, CancellationToken cancellationToken = default)
    {
        if (!RawBlobName.TryParse(blobName, out var name, out string problem))
        {
            await RejectAsync(null, blobName, problem, cancellationToken);
            return IngestOutcome.Rejected;
        }
        if (name!.Kind is not (RawBlobKind.SeriesManifest or RawBlobKind.Chunk or RawBlobKind.SeriesFile)) return IngestOutcome.Recorded;

        Azure.Storage.Blobs.Models.BlobProperties properties;
        try
        {
            properties = (await storage.Raw.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return IngestOutcome.Gone;
        }
        string contentHash = AnalysisIdentity.ContentHash(properties.ContentHash, properties.ETag);
        switch (name.Kind)
        {
            case RawBlobKind.SeriesManifest:
                if (!await RecordManifestAsync(name, properties.ETag, properties.LastModified, contentHash, cancellationToken)) return IngestOutcome.Rejected;
                break;
            case RawBlobKind.Chunk:
                await storage.Chunks.UpsertEntityAsync(new ChunkRow
                {
                    PartitionKey = ChunkRow.Partition(name.Beamtime, name.Series!),
                    RowKey = ChunkRow.Row(name.ChunkIndex!.Value),
                    BlobName = blobName,
                    ContentMd5 = contentHash,
                    BlobETag = properties.ETag.ToString(),
                    Bytes = properties.ContentLength,
                }, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                // The series' last upload time decides when an incomplete series is reported stale.
                await SeriesRows.UpdateAsync(storage, name.Beamtime, name.Series!, row =>
                {
                    if (row.LastUploadUtc is { } last && last >= properties.LastModified) return false;
                    row.LastUploadUtc = properties.LastModified;
                    return true;
                }, cancellationToken);
                break;
        }
        return await EvaluateSeriesAsync(name.Beamtime, name.Series!, cancellationToken);
    }

    /// <summary>Re-checks a series (after any of its blobs changed) and starts its analysis when it is complete.</summary>
    public async Task<IngestOutcome> EvaluateSeriesAsync(string beamtime, string series, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; ; attempt++)
        {
            var (content, incomplete) = await AnalysisIdentity.LoadAsync(storage, beamtime, series, cancellationToken);
            if (content is null)
            {
                if (incomplete!.Row is { } row && row.Status is SeriesStatus.Incomplete or SeriesStatus.Stale or SeriesStatus.Queued
                    && row.Reason != incomplete.Reason)
                {
                    row.Status = SeriesStatus.Incomplete;
                    row.Reason = incomplete.Reason;
                    row.MissingChunks = incomplete.Reason.StartsWith("missing", StringComparison.Ordinal) ? incomplete.Reason : "";
                    if (!await TryUpdateAsync(row, cancellationToken)) continue;
                }
                if (liveFeedback is not null && incomplete.Row is { } streaming)
                    await LiveSeriesTrigger.RequestAsync(storage, scheduler, streaming, incomplete.Reason, liveFeedback, cancellationToken);
                return IngestOutcome.Recorded;
            }
            string analysisId = content.AnalysisId(null);
            string instanceId = ResultNames.SeriesOrchestrationId(beamtime, series, analysisId);
            var seriesRow = content.Row;
            if (seriesRow.AnalysisId == analysisId && seriesRow.Status is not SeriesStatus.Incomplete and not SeriesStatus.Stale)
            {
                if (seriesRow.Status == SeriesStatus.Queued) await StartAsync(content, analysisId, instanceId, cancellationToken);
                return IngestOutcome.AlreadyAnalysed;
            }
            seriesRow.Status = SeriesStatus.Queued;
            seriesRow.AnalysisId = analysisId;
            seriesRow.InstanceId = instanceId;
            seriesRow.MissingChunks = "";
            seriesRow.Reason = null;
            seriesRow.SpeedAPerS = seriesRow.SpeedErrAPerS = null;
            seriesRow.Resolvable = null;
            if (!await TryUpdateAsync(seriesRow, cancellationToken))
            {
                if (attempt > 20) throw new InvalidOperationException($"series row {beamtime}/{series} kept changing while it was being updated");
                continue;
            }
            bool started = await StartAsync(content, analysisId, instanceId, cancellationToken);
            return started ? IngestOutcome.AnalysisStarted : IngestOutcome.AlreadyAnalysed;
        }
    }

    /// <summary>
    /// Re-checks every queued series of the beamtime, so that a claim whose orchestration was never scheduled (the process
    /// died between the two) is scheduled once older than <see cref="OrphanedClaimAge"/>, without waiting for a new blob
    /// event; a run waiting on that analysis would otherwise wait until its timeout.
    /// </summary>
    public async Task ResumeQueuedAsync(string beamtime, CancellationToken cancellationToken = default)
    {
        var queued = new List<string>();
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {beamtime} and Status eq {SeriesStatus.Queued.Name()}"),
                           cancellationToken: cancellationToken))
            queued.Add(row.RowKey);
        foreach (string series in queued) await EvaluateSeriesAsync(beamtime, series, cancellationToken);
    }

    /// <summary>How long a claim may exist without its orchestration before a later event schedules it (crash between the two).</summary>
    public static readonly TimeSpan OrphanedClaimAge = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Claims the analysis (insert of its row) and schedules its orchestration; false when it was claimed before. A claim
    /// of ours older than <see cref="OrphanedClaimAge"/> is scheduled again if its orchestration does not exist (the
    /// process died between claim and schedule); the scheduler is a no-op when it does.
    /// </summary>
    private async Task<bool> StartAsync(SeriesContent content, string analysisId, string instanceId, CancellationToken cancellationToken)
    {
        var claim = await AnalysisClaims.ClaimAsync(storage, content.Beamtime, content.Series, analysisId, instanceId, cancellationToken);
        bool orphaned = claim.State == AnalysisClaims.Owned && claim.ClaimedUtc is { } claimed && DateTimeOffset.UtcNow - claimed > OrphanedClaimAge;
        if (claim.State != AnalysisClaims.Claimed && !orphaned) return false;
        await AnalysisInputs.CaptureAsync(storage, content, analysisId, cancellationToken);
        var request = new SeriesAnalysisRequest(content.Beamtime, content.Series, analysisId, null, PipelineDefaults.ShardsFor(content.Row.PixelsPerFrame, shardPixelThreshold),
            content.ResultBlob);
        await scheduler.ScheduleIfAbsentAsync(instanceId, request, cancellationToken);
        logger.LogInformation("series {Beamtime}/{Series} complete: analysis {AnalysisId} started", content.Beamtime, content.Series, analysisId);
        return true;
    }

    private async Task<bool> RecordManifestAsync(RawBlobName name, ETag etag, DateTimeOffset lastModified, string contentHash,
        CancellationToken cancellationToken)
    {
        string? reason = null;
        SeriesManifest? manifest = null;
        ResultSeriesManifest? given = null;
        try
        {
            string text = await BlobTransfer.DownloadTextOrNullAsync(storage.Raw, name.Name, SeriesManifest.MaxManifestBytes, cancellationToken)
                          ?? throw new DataContractException(name.Name, "vanished while it was being read");
            if (ResultSeriesManifest.Declares(text)) given = ResultSeriesManifest.Parse(text, name.Name);
            else manifest = SeriesManifest.Parse(text, name.Name);
            var (beamtime, series) = given is null ? (manifest!.Beamtime, manifest.Series) : (given.Beamtime, given.Series);
            if (beamtime != name.Beamtime || series != name.Series)
                reason = $"{name.Name}: declares beamtime '{beamtime}' and series '{series}', but lies in {name.Beamtime}/xpcs/{name.Series}/";
        }
        catch (DataContractException e)
        {
            reason = e.Message;
        }
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var existing = await storage.Series.GetEntityIfExistsAsync<SeriesRow>(name.Beamtime, name.Series!, cancellationToken: cancellationToken);
            var row = existing.HasValue ? existing.Value! : new SeriesRow { PartitionKey = name.Beamtime, RowKey = name.Series! };
            row.ManifestETag = etag.ToString();
            if (row.LastUploadUtc is not { } last || last < lastModified) row.LastUploadUtc = lastModified;
            if (reason is not null || (manifest is null && given is null))
            {
                row.ManifestMd5 = null;
                row.ChunksExpected = -1;
                row.Status = SeriesStatus.Failed;
                row.Reason = reason;
                row.AnalysisId = null;
            }
            else if (given is not null)
            {
                // A series given as a result file: no chunks; complete when the result file has arrived.
                row.ManifestMd5 = contentHash;
                (row.ChunksExpected, row.Frames, row.PixelsPerFrame, row.MaskPath) = (0, 0, 0, null);
                row.PositionMm = given.PositionMm;
                row.PolarizationTimeMin = given.PolarizationTimeMin;
                row.ResultPath = given.ResultPath;
                (row.RawFiles, row.QMapFile) = (null, null);
                if (row.Status == SeriesStatus.Failed && row.AnalysisId is null) { row.Status = SeriesStatus.Incomplete; row.Reason = null; }
            }
            else
            {
                row.ManifestMd5 = contentHash;
                row.ChunksExpected = manifest!.Chunks;
                row.Frames = manifest.Frames;
                row.PixelsPerFrame = manifest.PixelsPerFrame;
                row.PositionMm = manifest.PositionMm;
                row.PolarizationTimeMin = manifest.PolarizationTimeMin;
                row.MaskPath = manifest.MaskPath;
                row.ResultPath = null;
                row.RawFiles = manifest.Raw is { } raw ? string.Join('\n', raw.Files) : null;
                row.QMapFile = manifest.QMapFile?.Name;
                if (row.Status == SeriesStatus.Failed && row.AnalysisId is null) { row.Status = SeriesStatus.Incomplete; row.Reason = null; }
            }
            bool written = existing.HasValue ? await TryUpdateAsync(row, cancellationToken) : await TryAddAsync(row, cancellationToken);
            if (written)
            {
                if (reason is not null) logger.LogWarning("rejected {Blob}: {Reason}", name.Name, reason);
                return reason is null;
            }
        }
        throw new InvalidOperationException($"series row {name.Beamtime}/{name.Series} kept changing while {name.Name} was recorded");
    }

    private async Task RejectAsync(string? beamtime, string blobName, string problem, CancellationToken cancellationToken)
    {
        string printable = RawBlobName.Printable(blobName);
        logger.LogWarning("rejected raw blob '{Blob}': {Problem}", printable, problem);
        string key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(blobName)))[..32];
        await storage.Rejections.UpsertEntityAsync(new RejectionRow
        {
            PartitionKey = beamtime ?? "(none)", RowKey = key, BlobName = printable, Problem = problem,
        }, cancellationToken: cancellationToken);
    }

    private async Task<bool> TryUpdateAsync(SeriesRow row, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Series.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private async Task<bool> TryAddAsync(SeriesRow row, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Series.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }
}
