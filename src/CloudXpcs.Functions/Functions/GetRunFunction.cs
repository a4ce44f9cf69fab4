using System.Net;
using CloudXpcs.Functions.Http;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>
/// GET beamtimes/{beamtime}/runs/{runId}: the run's row and every series of the beamtime with its state. Until the run's
/// plan step writes the row, the orchestration's own status answers (so a just-started run is never 404).
/// </summary>
public sealed class GetRunFunction(PipelineStorage storage)
{
    public const string Name = "GetRun";

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "beamtimes/{beamtime}/runs/{runId}")] HttpRequestData request,
        string beamtime,
        string runId,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (await HttpAnswers.RejectSegmentsAsync(request, cancellationToken, ("beamtime", beamtime), ("run id", runId)) is { } bad) return bad;
        var row = await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, runId, cancellationToken: cancellationToken);
        string? orchestrationStatus = null;
        if (!row.HasValue)
        {
            var instance = await client.GetInstanceAsync(ResultNames.RunOrchestrationId(beamtime, runId), cancellationToken);
            if (instance is null)
                return await HttpAnswers.ErrorAsync(request, HttpStatusCode.NotFound, $"beamtime '{beamtime}' has no run '{runId}'", cancellationToken);
            orchestrationStatus = instance.RuntimeStatus.ToString();
        }
        var latest = await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, RunRow.LatestRowKey, cancellationToken: cancellationToken);
        var series = new List<SeriesView>();
        await foreach (var s in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
            series.Add(SeriesView.From(s));
        var run = row.HasValue ? RunView.From(row.Value!, latest.HasValue && latest.Value!.RunId == runId) : null;
        return await HttpAnswers.JsonAsync(request, HttpStatusCode.OK, new RunStatusView(run, orchestrationStatus, series), cancellationToken);
    }
}
