using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Functions.Runs;

/// <summary>What a run request led to: a new run, the run an earlier request with the same key started, or a refusal.</summary>
public sealed record RunAdmissionResult(StartedRun? Run, bool Existing, string? Refusal);

/// <summary>
/// Admission of HTTP run starts. Idempotency: a request with an Idempotency-Key gets the run that the first request with
/// the same beamtime, parameters and key started (a record create-only in results/{beamtime}/run-requests/), never a
/// second run. Concurrency: a beamtime has at most <see cref="MaxActiveSetting"/> runs pending or running at once
/// (default <see cref="DefaultMaxActive"/>); more are refused until one ends.
/// </summary>
public static class RunAdmission
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string MaxActiveSetting = "CLOUDXPCS_MAX_ACTIVE_RUNS_PER_BEAMTIME";
    public const int DefaultMaxActive = 2;
    public const int MaxKeyLength = 200;

    public static int MaxActiveFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(MaxActiveSetting), out int n) && n > 0 ? n : DefaultMaxActive;

    private sealed record Ledger(string RunId, string InstanceId);

    private static string Prefix(string beamtime) => $"{beamtime}/run-requests/";

    private static string KeyBlob(string beamtime, RunParameters parameters, string key) => Prefix(beamtime) + "key-" + Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(beamtime + "\n" + JsonSerializer.Serialize(parameters) + "\n" + key)))[..32] + ".json";

    public static async Task<RunAdmissionResult> StartAsync(PipelineStorage storage, DurableTaskClient client, string beamtime, RunParameters parameters,
        string? idempotencyKey, DateTimeOffset now, int maxActive, CancellationToken cancellationToken)
    {
        string? keyBlob = idempotencyKey is null ? null : KeyBlob(beamtime, parameters, idempotencyKey);
        if (keyBlob is not null && await ReadAsync(storage, keyBlob, cancellationToken) is { } earlier)
            return new RunAdmissionResult(await EnsureScheduledAsync(client, beamtime, earlier, parameters, cancellationToken), true, null);

        int active = await CountActiveAsync(storage, client, beamtime, cancellationToken);
        if (active >= maxActive)
            return new RunAdmissionResult(null, false,
                $"beamtime '{beamtime}' already has {active} runs pending or running (at most {maxActive} at once); retry when one has ended");

        string runId = ResultNames.NewRunId(now);
        var ledger = new Ledger(runId, ResultNames.RunOrchestrationId(beamtime, runId));
        if (keyBlob is not null && !await CreateAsync(storage, keyBlob, ledger, cancellationToken))
        {
            // Another request with the same key won the race: its run is the answer.
            var winner = await ReadAsync(storage, keyBlob, cancellationToken) ?? throw new InvalidOperationException($"{keyBlob} vanished");
            return new RunAdmissionResult(await EnsureScheduledAsync(client, beamtime, winner, parameters, cancellationToken), true, null);
        }
        await CreateAsync(storage, Prefix(beamtime) + "run-" + runId + ".json", ledger, cancellationToken);
        return new RunAdmissionResult(await EnsureScheduledAsync(client, beamtime, ledger, parameters, cancellationToken), false, null);
    }

    /// <summary>Runs of the beamtime admitted here whose orchestration is pending, running or suspended.</summary>
    private static async Task<int> CountActiveAsync(PipelineStorage storage, DurableTaskClient client, string beamtime, CancellationToken cancellationToken)
    {
        int active = 0;
        await foreach (var blob in storage.Results.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix(beamtime) + "run-" }, cancellationToken))
        {
            if (await ReadAsync(storage, blob.Name, cancellationToken) is not { } ledger) continue;
            var state = await client.GetInstanceAsync(ledger.InstanceId, cancellationToken);
            // A ledger without its instance: scheduling failed or has not happened yet; counted while recent.
            bool pending = state is null ? blob.Properties.CreatedOn is { } created && DateTimeOffset.UtcNow - created < TimeSpan.FromMinutes(5)
                : state.RuntimeStatus is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;
            if (pending) active++;
        }
        return active;
    }

    private static async Task<StartedRun> EnsureScheduledAsync(DurableTaskClient client, string beamtime, Ledger ledger, RunParameters parameters,
        CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(ledger.InstanceId, cancellationToken) is null)
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(BeamtimeOrchestrator), new BeamtimeRunRequest(beamtime, ledger.RunId, parameters),
                new StartOrchestrationOptions(ledger.InstanceId), cancellationToken);
        return new StartedRun(beamtime, ledger.RunId, ledger.InstanceId);
    }

    private static async Task<Ledger?> ReadAsync(PipelineStorage storage, string blob, CancellationToken cancellationToken) =>
        await BlobTransfer.DownloadTextOrNullAsync(storage.Results, blob, 4096, cancellationToken) is { } text ? JsonSerializer.Deserialize<Ledger>(text) : null;

    private static async Task<bool> CreateAsync(PipelineStorage storage, string blob, Ledger ledger, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Results.GetBlobClient(blob).UploadAsync(BinaryData.FromObjectAsJson(ledger),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
