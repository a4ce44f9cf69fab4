using Azure;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>
/// What storage says about a run at one moment: its row, the files of its run folder, and the beamtime's series and
/// analysis rows. One snapshot per poll serves both the stall watchdog and the progress line of <c>run</c>.
/// </summary>
public sealed record RunSnapshot(RunRow? Run, IReadOnlyList<(string Name, ETag ETag)> RunFolder, IReadOnlyList<SeriesRow> Series,
    IReadOnlyList<AnalysisRow> Analyses)
{
    public static async Task<RunSnapshot> TakeAsync(PipelineStorage storage, string beamtime, string runId, CancellationToken cancellationToken)
    {
        var row = await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, runId, cancellationToken: cancellationToken);
        var files = new List<(string, ETag)>();
        await foreach (var blob in storage.Results.GetBlobsAsync(new GetBlobsOptions { Prefix = ResultNames.RunPrefix(beamtime, runId) }, cancellationToken))
            files.Add((blob.Name, blob.Properties.ETag ?? default));
        var series = new List<SeriesRow>();
        await foreach (var s in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken)) series.Add(s);
        var analyses = new List<AnalysisRow>();
        await foreach (var a in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken)) analyses.Add(a);
        return new RunSnapshot(row.HasValue ? row.Value : null, files, series, analyses);
    }
}
