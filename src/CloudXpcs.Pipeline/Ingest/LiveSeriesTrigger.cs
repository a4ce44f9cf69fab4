using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>
/// Live feedback at ingest: a series of contract chunks that is missing chunks but has chunk 0 gets a request for a
/// partial result each time another of its chunks is recorded (one orchestration per number of chunks landed, so
/// duplicate events ask once); the orchestration throttles and coalesces the requests.
/// </summary>
internal static class LiveSeriesTrigger
{
    public static async Task RequestAsync(PipelineStorage storage, IAnalysisScheduler scheduler, SeriesRow row, string incompleteReason,
        LiveFeedbackOptions options, CancellationToken cancellationToken)
    {
        if (row.ManifestMd5 is null || row.ChunksExpected < 2 || row.RawFiles is not null || row.ResultPath is not null
            || !incompleteReason.StartsWith("missing chunk", StringComparison.Ordinal))
            return;
        var landed = await LiveResults.LandedChunksAsync(storage, row.PartitionKey, row.RowKey, row.ChunksExpected, cancellationToken);
        if (!landed.ContainsKey(0)) return;
        var request = new LiveSeriesRequest(row.PartitionKey, row.RowKey, landed.Count, options.MinInterval.TotalSeconds);
        await scheduler.ScheduleLiveIfAbsentAsync(LiveResults.OrchestrationId(row.PartitionKey, row.RowKey, row.ManifestMd5, landed.Count), request,
            cancellationToken);
    }
}
