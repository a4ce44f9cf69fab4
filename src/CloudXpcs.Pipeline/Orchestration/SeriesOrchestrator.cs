using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Orchestration;

/// <summary>
/// One series: correlation (fanned out over pixel shards for large detectors, then an exact merge) into g2.h5, the
/// heterodyne fit into fit.json, and the outcome recorded in the tables. A failure is recorded with its reason and
/// returned as a failed outcome, never thrown, so a bad series does not stop its beamtime.
/// </summary>
public sealed class SeriesOrchestrator : TaskOrchestrator<SeriesAnalysisRequest, SeriesAnalysisOutcome>
{
    public override Task<SeriesAnalysisOutcome> RunAsync(TaskOrchestrationContext context, SeriesAnalysisRequest input) => AnalyseAsync(context, input);

    /// <summary>The analysis itself, also run inline by <see cref="RunSeriesOrchestrator"/> once it holds the claim.</summary>
    public static async Task<SeriesAnalysisOutcome> AnalyseAsync(TaskOrchestrationContext context, SeriesAnalysisRequest input)
    {
        var started = context.CurrentUtcDateTime;
        string prefix = ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId);
        double activityMs = 0;
        SeriesStatus status = SeriesStatus.Analysed;
        string? reason = null;
        FitResult? fit = null;
        try
        {
            if (input.ResultBlob is not null)
            {
                // A series given as a result file: its g2 is there already, correlation is skipped.
                fit = await context.CallActivityAsync<FitResult>(nameof(FitResultSeriesActivity),
                    new CorrelateRequest(input.Beamtime, input.Series, input.AnalysisId, null, 0, 1), PipelineRetries.Activity);
            }
            else
            {
                int shards = Math.Max(1, input.Shards);
                var correlations = Enumerable.Range(0, shards).Select(shard => new ActivityCall(nameof(CorrelateSeriesActivity),
                    new CorrelateRequest(input.Beamtime, input.Series, input.AnalysisId, input.QMap, shard, shards) { TwoTime = input.TwoTime }));
                // Two-time: one activity per bin group beside the multi-tau shards; the merge step adds their maps to g2.h5.
                var groups = input.TwoTime is { } twoTime
                    ? Enumerable.Range(0, twoTime.BinGroups).Select(group => new ActivityCall(nameof(TwoTimeGroupActivity),
                        new TwoTimeGroupRequest(new CorrelateRequest(input.Beamtime, input.Series, input.AnalysisId, input.QMap, 0, shards) { TwoTime = twoTime },
                            group)))
                    : [];
                var shardResults = await RetriedFanOut.AllAsync<ActivityResult>(context, correlations.Concat(groups).ToList());
                activityMs += shardResults.Sum(r => r.Ms);
                var request = new CorrelateRequest(input.Beamtime, input.Series, input.AnalysisId, input.QMap, 0, shards) { TwoTime = input.TwoTime };
                if (shards > 1 || input.TwoTime is not null)
                    activityMs += (await context.CallActivityAsync<ActivityResult>(nameof(MergeShardsActivity), request, PipelineRetries.Activity)).Ms;
                fit = await context.CallActivityAsync<FitResult>(nameof(FitSeriesActivity), request, PipelineRetries.Activity);
            }
            activityMs += fit.Ms;
        }
        catch (TaskFailedException e)
        {
            status = SeriesStatus.Failed;
            reason = PipelineRetries.SeriesReason(e);
        }
        double orchestrationMs = (context.CurrentUtcDateTime - started).TotalMilliseconds;
        var outcome = new SeriesAnalysisOutcome(input.Beamtime, input.Series, input.AnalysisId, status, reason, prefix,
            fit?.SpeedAPerS, fit?.SpeedErrAPerS, fit?.Resolvable, activityMs, orchestrationMs);
        await context.CallActivityAsync<bool>(nameof(CompleteAnalysisActivity), new AnalysisCompletion(outcome), PipelineRetries.Activity);
        return outcome;
    }
}
