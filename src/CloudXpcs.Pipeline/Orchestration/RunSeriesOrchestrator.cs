using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Orchestration;

/// <summary>One planned series within a run: the analysis of its content and binning, computed here, reused, or awaited while another orchestration computes it.</summary>
public sealed record RunSeriesRequest(BeamtimeRunRequest Run, PlannedSeries Series);

/// <summary>
/// One series of a beamtime run: claims the analysis, then runs it (<see cref="SeriesOrchestrator.AnalyseAsync"/>, in this
/// orchestration, whose instance id is the claim's owner), reuses a done one, or polls while another orchestration
/// computes it. Its own orchestration, so that its steps run one after another:
/// the backend sends an episode's messages before it saves the episode, so after a crash in between, the episode runs
/// again with the events in another order; an orchestration whose scheduling depends on that order (several series
/// claiming and polling side by side in one orchestration) would then number its tasks differently, and the answers to
/// the lost episode's tasks would reach the wrong ones (docs/ARCHITECTURE.md, "Crash resume").
/// </summary>
public sealed class RunSeriesOrchestrator : TaskOrchestrator<RunSeriesRequest, SeriesAnalysisOutcome>
{
    /// <summary>The instance id of the series' orchestration within the run, which is also the claim's owner.</summary>
    public static string InstanceId(string runInstanceId, string series) => $"{runInstanceId}:{series}";

    public override async Task<SeriesAnalysisOutcome> RunAsync(TaskOrchestrationContext context, RunSeriesRequest input)
    {
        var (run, series) = (input.Run, input.Series);
        string owner = context.InstanceId;
        var claimRequest = new ClaimRequest(run.Beamtime, series.Series, series.AnalysisId!, owner) { QMap = run.Parameters.QMap, TwoTime = run.Parameters.TwoTime };
        var deadline = context.CurrentUtcDateTime.AddMinutes(run.Parameters.WaitForSeriesMinutes);
        while (true)
        {
            var claim = await context.CallActivityAsync<ClaimResult>(nameof(ClaimAnalysisActivity), claimRequest, PipelineRetries.Activity);
            if (claim.State is AnalysisClaims.Claimed or AnalysisClaims.Owned)
                return await SeriesOrchestrator.AnalyseAsync(context,
                    new SeriesAnalysisRequest(run.Beamtime, series.Series, series.AnalysisId!, run.Parameters.QMap, series.Shards,
                        series.ResultFile is null ? null : run.Beamtime + "/" + series.ResultFile) { TwoTime = run.Parameters.TwoTime });
            if (claim.State == AnalysisClaims.Done) return claim.Outcome!;
            if (context.CurrentUtcDateTime > deadline)
                return new SeriesAnalysisOutcome(run.Beamtime, series.Series, series.AnalysisId!, SeriesStatus.Failed,
                    $"timed out after {run.Parameters.WaitForSeriesMinutes} min waiting for analysis {series.AnalysisId} by another orchestration",
                    ResultNames.AnalysisPrefix(run.Beamtime, series.Series, series.AnalysisId!), null, null, null, 0, 0);
            await context.CreateTimer(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
    }
}
