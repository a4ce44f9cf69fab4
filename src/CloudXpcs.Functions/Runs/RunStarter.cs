using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Runs;

/// <summary>A run that was scheduled: its id and the id of its orchestration instance.</summary>
public sealed record StartedRun(string Beamtime, string RunId, string InstanceId);

/// <summary>Starts a beamtime run (the beamtime orchestrator) under a fresh run id; used by the HTTP endpoint and the scheduled reports.</summary>
public static class RunStarter
{
    public static async Task<StartedRun> StartAsync(DurableTaskClient client, string beamtime, RunParameters parameters, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        string runId = ResultNames.NewRunId(now);
        string instanceId = ResultNames.RunOrchestrationId(beamtime, runId);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(BeamtimeOrchestrator), new BeamtimeRunRequest(beamtime, runId, parameters),
            new StartOrchestrationOptions(instanceId), cancellationToken);
        return new StartedRun(beamtime, runId, instanceId);
    }

    /// <summary>True when raw/{beamtime}/beamtime.json exists (a run needs it).</summary>
    public static async Task<bool> BeamtimeExistsAsync(PipelineStorage storage, string beamtime, CancellationToken cancellationToken) =>
        (await storage.Raw.GetBlobClient($"{beamtime}/{Data.Manifests.BeamtimeManifest.FileName}").ExistsAsync(cancellationToken)).Value;
}
