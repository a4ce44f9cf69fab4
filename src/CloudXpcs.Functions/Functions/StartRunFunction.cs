using System.Net;
using CloudXpcs.Functions.Http;
using CloudXpcs.Functions.Runs;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>POST beamtimes/{beamtime}/runs: starts (or, with other parameters, reprocesses) a run of the beamtime; 202 with the run id and status URL.</summary>
public sealed class StartRunFunction(PipelineStorage storage, TimeProvider clock, ILogger<StartRunFunction> logger, int? maxActiveRunsPerBeamtime = null)
{
    private readonly int maxActiveRuns = maxActiveRunsPerBeamtime ?? RunAdmission.MaxActiveFromEnvironment();

    public const string Name = "StartRun";

    [Function(Name)]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "beamtimes/{beamtime}/runs")] HttpRequestData request,
        string beamtime,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        if (await HttpAnswers.RejectSegmentsAsync(request, cancellationToken, ("beamtime", beamtime)) is { } bad) return bad;
        byte[] body = await RunRequestValidation.ReadBodyAsync(request.Body, cancellationToken);
        var parameters = RunRequestValidation.ParseRunParameters(body);
        if (!parameters.IsValid)
        {
            logger.LogWarning("run request for {Beamtime} refused: {Problem}", beamtime, parameters.Error);
            return await HttpAnswers.ErrorAsync(request, HttpStatusCode.BadRequest, parameters.Error!, cancellationToken);
        }
        if (!await RunStarter.BeamtimeExistsAsync(storage, beamtime, cancellationToken))
            return await HttpAnswers.ErrorAsync(request, HttpStatusCode.NotFound, $"beamtime '{beamtime}' has no beamtime.json in the raw container",
                cancellationToken);
        string? key = request.Headers.TryGetValues(RunAdmission.IdempotencyHeader, out var keys) ? keys.FirstOrDefault() : null;
        if (key is { Length: 0 or > RunAdmission.MaxKeyLength })
            return await HttpAnswers.ErrorAsync(request, HttpStatusCode.BadRequest,
                $"{RunAdmission.IdempotencyHeader} must be 1..{RunAdmission.MaxKeyLength} characters", cancellationToken);
        var admission = await RunAdmission.StartAsync(storage, client, beamtime, parameters.Value!, key, clock.GetUtcNow(), maxActiveRuns, cancellationToken);
        if (admission.Refusal is { } refusal)
        {
            var refused = await HttpAnswers.ErrorAsync(request, HttpStatusCode.TooManyRequests, refusal, cancellationToken);
            refused.Headers.Add("Retry-After", "60");
            return refused;
        }
        var run = admission.Run!;
        logger.LogInformation("run {RunId} of {Beamtime} {Started} (instance {InstanceId})", run.RunId, beamtime,
            admission.Existing ? "already started by an earlier request with the same Idempotency-Key" : "started", run.InstanceId);
        var response = await HttpAnswers.JsonAsync(request, admission.Existing ? HttpStatusCode.OK : HttpStatusCode.Accepted,
            new RunStartedView(beamtime, run.RunId, run.InstanceId, HttpAnswers.ChildUrl(request, run.RunId)), cancellationToken);
        response.Headers.Add("Location", HttpAnswers.ChildUrl(request, run.RunId));
        return response;
    }
}
