using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// Commits a run after everything else is written: the run row is marked completed (or failed, with the failed steps)
/// and becomes the beamtime's latest; "beamtime run completed" is published. Readers that follow the table never see
/// half a run.
/// </summary>
public sealed class CommitRunActivity(PipelineStorage storage, IPipelineNotifier notifier) : TaskActivity<RunOutcome, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskActivityContext context, RunOutcome input)
    {
        RunStatus status = input.Status;
        int analysed = input.SeriesAnalysed, failed = input.SeriesFailed;
        var runRow = (await storage.Runs.GetEntityAsync<RunRow>(input.Beamtime, input.RunId)).Value;
        runRow.Status = status;
        runRow.CompletedUtc = DateTimeOffset.UtcNow;
        runRow.SeriesAnalysed = analysed;
        runRow.SeriesFailed = failed;
        runRow.SeriesUnresolvable = input.SeriesUnresolvable;
        runRow.Reason = input.StepFailures.Count == 0 ? null : string.Join("; ", input.StepFailures);
        await storage.Runs.UpdateEntityAsync(runRow, Azure.ETag.All);
        await storage.Runs.UpsertEntityAsync(new RunRow
        {
            PartitionKey = input.Beamtime, RowKey = RunRow.LatestRowKey, RunId = input.RunId, Status = status, InstanceId = runRow.InstanceId,
            ParametersJson = runRow.ParametersJson, ResultPrefix = input.ResultPrefix, CreatedUtc = runRow.CreatedUtc, CompletedUtc = runRow.CompletedUtc,
            SeriesAnalysed = analysed, SeriesFailed = failed, SeriesUnresolvable = runRow.SeriesUnresolvable, Reason = runRow.Reason,
        }, Azure.Data.Tables.TableUpdateMode.Replace);
        await notifier.PublishAsync(new PipelineEvent(PipelineEventKind.BeamtimeRunCompleted, input.Beamtime, null, input.RunId,
            $"{status.Name()}: {analysed} series analysed, {failed} failed", DateTimeOffset.UtcNow));
        return input;
    }
}
