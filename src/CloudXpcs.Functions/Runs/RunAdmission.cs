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
/// (default <see cref="DefaultMaxActive"/>); more are refused until one ends. The limit holds under simultaneous requests:
/// a run is admitted only by taking one of the beamtime's slot records (slot-0 .. slot-{max−1}) with a conditional write,
/// created if absent or replaced (If-Match) when the run it names has ended, so two requests can never take one slot.
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

        string runId = ResultNames.NewRunId(now);
        var ledger = new Ledger(runId, ResultNames.RunOrchestrationId(beamtime, runId));
        if (await TakeSlotAsync(storage, client, beamtime, ledger, maxActive, cancellationToken) is not { } slot)
            return new RunAdmissionResult(null, false,
                $"beamtime '{beamtime}' already has {maxActive} runs pending or running (at most {maxActive} at once); retry when one has ended");

        if (keyBlob is not null && !await CreateAsync(storage, keyBlob, ledger, cancellationToken))
        {
            // Another request with the same key won the race: its run is the answer, and the slot taken for ours is given back.
            await ReleaseSlotAsync(storage, slot, cancellationToken);
            var winner = await ReadAsync(storage, keyBlob, cancellationToken) ?? throw new InvalidOperationException($"{keyBlob} vanished");
            return new RunAdmissionResult(await EnsureScheduledAsync(client, beamtime, winner, parameters, cancellationToken), true, null);
        }
        await CreateAsync(storage, Prefix(beamtime) + "run-" + runId + ".json", ledger, cancellationToken);
        return new RunAdmissionResult(await EnsureScheduledAsync(client, beamtime, ledger, parameters, cancellationToken), false, null);
    }

    private sealed record TakenSlot(string Blob, ETag ETag);

    /// <summary>
    /// Takes a free slot for <paramref name="ledger"/>: one absent, or one whose run is no longer pending, running or
    /// suspended. Null when all <paramref name="maxActive"/> slots hold active runs.
    /// </summary>
    private static async Task<TakenSlot?> TakeSlotAsync(PipelineStorage storage, DurableTaskClient client, string beamtime, Ledger ledger, int maxActive,
        CancellationToken cancellationToken)
    {
        for (int i = 0; i < maxActive; i++)
        {
            var blob = storage.Results.GetBlobClient($"{Prefix(beamtime)}slot-{i}.json");
            BlobRequestConditions condition;
            try
            {
                var held = await blob.DownloadContentAsync(cancellationToken);
                var holder = held.Value.Content.ToObjectFromJson<Ledger>();
                if (holder is not null && await IsActiveAsync(client, holder, held.Value.Details.LastModified, cancellationToken)) continue;
                condition = new BlobRequestConditions { IfMatch = held.Value.Details.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                condition = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }
            try
            {
                var written = await blob.UploadAsync(BinaryData.FromObjectAsJson(ledger), new BlobUploadOptions { Conditions = condition }, cancellationToken);
                return new TakenSlot(blob.Name, written.Value.ETag);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another request took this slot between our read and write; try the next one.
            }
        }
        return null;
    }

    private static async Task ReleaseSlotAsync(PipelineStorage storage, TakenSlot slot, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Results.GetBlobClient(slot.Blob).DeleteAsync(conditions: new BlobRequestConditions { IfMatch = slot.ETag },
                cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Already replaced or removed: nothing of ours to give back.
        }
    }

    /// <summary>Whether the run of a slot holds it: its orchestration is pending, running or suspended, or not yet scheduled but recent.</summary>
    private static async Task<bool> IsActiveAsync(DurableTaskClient client, Ledger holder, DateTimeOffset writtenAt, CancellationToken cancellationToken)
    {
        var state = await client.GetInstanceAsync(holder.InstanceId, cancellationToken);
        // A slot whose instance does not exist: scheduling failed or has not happened yet; held while recent.
        return state is null ? DateTimeOffset.UtcNow - writtenAt < TimeSpan.FromMinutes(5)
            : state.RuntimeStatus is OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;
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
