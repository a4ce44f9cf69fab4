using System.Net;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Functions.Http;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>GET beamtimes/{beamtime}/runs/{runId}/results: the blobs of the run folder in the results container (names relative to it, sizes, MD5).</summary>
public sealed class ListRunResultsFunction(PipelineStorage storage)
{
    public const string Name = "ListRunResults";
    public const int MaxBlobs = 5000;

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "beamtimes/{beamtime}/runs/{runId}/results")] HttpRequestData request,
        string beamtime,
        string runId,
        CancellationToken cancellationToken)
    {
        if (await HttpAnswers.RejectSegmentsAsync(request, cancellationToken, ("beamtime", beamtime), ("run id", runId)) is { } bad) return bad;
        if (!(await storage.Runs.GetEntityIfExistsAsync<RunRow>(beamtime, runId, cancellationToken: cancellationToken)).HasValue)
            return await HttpAnswers.ErrorAsync(request, HttpStatusCode.NotFound, $"beamtime '{beamtime}' has no run '{runId}'", cancellationToken);
        string prefix = ResultNames.RunPrefix(beamtime, runId);
        var blobs = new List<ResultBlobView>();
        await foreach (var blob in storage.Results.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            if (blobs.Count == MaxBlobs) break;
            blobs.Add(new ResultBlobView(blob.Name[prefix.Length..], blob.Properties.ContentLength ?? 0,
                blob.Properties.ContentHash is { Length: > 0 } md5 ? Convert.ToBase64String(md5) : null));
        }
        return await HttpAnswers.JsonAsync(request, HttpStatusCode.OK,
            new RunResultsView(beamtime, runId, storage.Results.Name, prefix, blobs), cancellationToken);
    }
}
