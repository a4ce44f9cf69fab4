using System.Net;
using CloudXpcs.Functions.Http;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>GET beamtimes/{beamtime}/runs: every run of the beamtime, newest first, the latest completed one marked.</summary>
public sealed class ListRunsFunction(PipelineStorage storage)
{
    public const string Name = "ListRuns";

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "beamtimes/{beamtime}/runs")] HttpRequestData request,
        string beamtime,
        CancellationToken cancellationToken)
    {
        if (await HttpAnswers.RejectSegmentsAsync(request, cancellationToken, ("beamtime", beamtime)) is { } bad) return bad;
        var rows = new List<RunRow>();
        await foreach (var row in storage.Runs.QueryAsync<RunRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
            rows.Add(row);
        string? latest = rows.FirstOrDefault(r => r.RowKey == RunRow.LatestRowKey)?.RunId;
        var runs = rows.Where(r => r.RowKey != RunRow.LatestRowKey)
            .OrderByDescending(r => r.RowKey, StringComparer.Ordinal)
            .Select(r => RunView.From(r, r.RowKey == latest))
            .ToList();
        return await HttpAnswers.JsonAsync(request, HttpStatusCode.OK, new RunListView(beamtime, latest, runs), cancellationToken);
    }
}
