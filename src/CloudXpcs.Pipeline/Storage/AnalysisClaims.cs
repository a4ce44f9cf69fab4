using Azure;
using CloudXpcs.Data.Results;
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

