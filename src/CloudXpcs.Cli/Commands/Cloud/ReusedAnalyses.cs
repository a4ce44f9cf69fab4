using System.Text.Json;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// Which series analyses of a run this command did not compute itself, and whose they are: another run's, the ingest
/// of an earlier upload (named by the first run that used it), or a concurrent cloudxpcs process's.
/// </summary>
public static class ReusedAnalyses
{
    /// <param name="since">When this command started.</param>
    /// <param name="computedHere">Whether an orchestration instance (the owner of an ingest-started analysis) is in this process's task hub.</param>
    public static async Task<IReadOnlyList<string>> DescribeAsync(PipelineStorage storage, string beamtime, string runId, DateTimeOffset since,
        IReadOnlyList<JsonElement> series, Func<string, Task<bool>> computedHere, CancellationToken cancellationToken)
    {
        string runPrefix = ResultNames.RunOrchestrationId(beamtime, "");
        string ownRun = runPrefix + runId + ":";
        var otherRuns = new List<RunRow>();
        await foreach (var run in storage.Runs.QueryAsync<RunRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
            if (run.RowKey != RunRow.LatestRowKey && run.RunId != runId) otherRuns.Add(run);
        otherRuns.Sort((a, b) => Nullable.Compare(a.CreatedUtc, b.CreatedUtc));
        var runJsonCache = new Dictionary<string, string>();

        var bySource = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in series)
        {
            if (!line.TryGetProperty("analysis_id", out var idElement) || idElement.ValueKind != JsonValueKind.String) continue;
            string analysisId = idElement.GetString()!;
            var row = await storage.Analyses.GetEntityIfExistsAsync<AnalysisRow>(beamtime, analysisId, cancellationToken: cancellationToken);
            if (!row.HasValue) continue;
            string owner = row.Value!.Owner;
            string? source;
            if (owner.StartsWith(ownRun, StringComparison.Ordinal)) source = null;
            else if (owner.StartsWith(runPrefix, StringComparison.Ordinal)) source = "run " + owner[runPrefix.Length..].Split(':')[0];
            else if (row.Value.Timestamp < since)
                source = await FirstRunUsingAsync(storage, otherRuns, analysisId, runJsonCache, cancellationToken) is { } first
                    ? $"run {first} (analysed on upload)"
                    : "an earlier upload of the same data";
            else if (!await computedHere(owner))
            {
                var concurrent = otherRuns.Where(r => r.CompletedUtc is null || r.CompletedUtc >= since).Select(r => r.RunId).ToList();
                source = "another cloudxpcs process" + (concurrent.Count > 0 ? $" (running at the same time: run {string.Join(", run ", concurrent)})" : "");
            }
            else source = null;
            if (source is null) continue;
            if (!bySource.TryGetValue(source, out var names)) bySource[source] = names = [];
            names.Add(line.GetProperty("series").GetString() ?? "");
        }
        return bySource.Select(p => $"reused {p.Value.Count} series analys{(p.Value.Count == 1 ? "is" : "es")} (same raw data and binning) from {p.Key}: " +
                                    string.Join(", ", p.Value)).ToList();
    }

    private static async Task<string?> FirstRunUsingAsync(PipelineStorage storage, List<RunRow> runs, string analysisId,
        Dictionary<string, string> cache, CancellationToken cancellationToken)
    {
        foreach (var run in runs)
        {
            if (!cache.TryGetValue(run.RunId, out string? text))
            {
                var blob = storage.Results.GetBlobClient(ResultNames.RunPrefix(run.PartitionKey, run.RunId) + ResultNames.RunFile);
                text = await blob.ExistsAsync(cancellationToken) ? (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString() : "";
                cache[run.RunId] = text;
            }
            if (text.Contains(analysisId, StringComparison.Ordinal)) return run.RunId;
        }
        return null;
    }
}
