using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// A run that failed before it had a plan (unknown transport set, unreadable beamtime.json): the run row records it as
/// failed with the reason. The beamtime's latest run stays as it was.
/// </summary>
public sealed class FailRunActivity(PipelineStorage storage, IPipelineNotifier notifier) : TaskActivity<FailRunRequest, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, FailRunRequest input)
    {
        string prefix = ResultNames.RunPrefix(input.Beamtime, input.RunId);
        await storage.Runs.UpsertEntityAsync(new RunRow
        {
            PartitionKey = input.Beamtime, RowKey = input.RunId, RunId = input.RunId, InstanceId = input.InstanceId, Status = RunStatus.Failed,
            ParametersJson = JsonSerializer.Serialize(input.Parameters), ResultPrefix = prefix, CreatedUtc = new DateTimeOffset(input.CreatedUtc, TimeSpan.Zero),
            CompletedUtc = DateTimeOffset.UtcNow, Reason = input.Reason,
        }, Azure.Data.Tables.TableUpdateMode.Replace);
        await notifier.PublishAsync(new PipelineEvent(PipelineEventKind.BeamtimeRunCompleted, input.Beamtime, null, input.RunId,
            $"{RunStatus.Failed.Name()}: {input.Reason}", DateTimeOffset.UtcNow));
        return new RunOutcome(input.Beamtime, input.RunId, RunStatus.Failed, prefix, 0, 0, [input.Reason]);
    }
}
