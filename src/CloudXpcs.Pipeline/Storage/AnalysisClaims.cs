using Azure;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// Exactly one orchestration computes an analysis: the first to insert its row in the analyses table owns it; others
/// reuse its result once it is analysed or failed, or wait while it runs.
/// </summary>
public static class AnalysisClaims
{
    public const string Claimed = "claimed";
    /// <summary>The row exists and names the same owner: a retry or a restart after a crash.</summary>
    public const string Owned = "owned";
    public const string Running = "running";
    public const string Done = "done";

    public static async Task<ClaimResult> ClaimAsync(PipelineStorage storage, string beamtime, string series, string analysisId, string owner,
        CancellationToken cancellationToken = default)
    {
        var row = new AnalysisRow
        {
            PartitionKey = beamtime,
            RowKey = analysisId,
            Series = series,
            Owner = owner,
            Status = SeriesStatus.Analysing,
            ResultPrefix = ResultNames.AnalysisPrefix(beamtime, series, analysisId),
        };
        try
        {
            await storage.Analyses.AddEntityAsync(row, cancellationToken);
            return new ClaimResult(Claimed, null);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = (await storage.Analyses.GetEntityAsync<AnalysisRow>(beamtime, analysisId, cancellationToken: cancellationToken)).Value;
            if (existing.Status is SeriesStatus.Analysed or SeriesStatus.Failed) return new ClaimResult(Done, ToOutcome(existing));
            return new ClaimResult(existing.Owner == owner ? Owned : Running, null) { ClaimedUtc = existing.Timestamp };
        }
    }

    public static SeriesAnalysisOutcome ToOutcome(AnalysisRow row) => new(row.PartitionKey, row.Series, row.RowKey, row.Status, row.Reason,
        row.ResultPrefix, row.SpeedAPerS, row.SpeedErrAPerS, row.Resolvable, row.ActivityMs, row.OrchestrationMs);
}

/// <summary>Defaults shared by the ingest and the runs.</summary>
public static class PipelineDefaults
{
    public const long ShardPixelThreshold = 1L << 20;
    public const int MaxShards = 16;
    /// <summary>An incomplete series with no upload for this long is reported stale (run parameter stale_after_min).</summary>
    public const double StaleAfterMinutes = 120;

    /// <summary>Pixel shards for a detector of this size: 1 up to the threshold, then one per threshold's worth of pixels.</summary>
    public static int ShardsFor(long pixelsPerFrame, long? threshold)
    {
        long limit = threshold is > 0 ? threshold.Value : ShardPixelThreshold;
        return (int)Math.Clamp((pixelsPerFrame + limit - 1) / limit, 1, MaxShards);
    }
}
