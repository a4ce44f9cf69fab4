using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Orchestration;

/// <summary>
/// One run of a beamtime (ARCHITECTURE.md "Flow of data"): plan; every complete series analysed (a sub-orchestration
/// where no analysis of that content and binning exists yet, else reused); results published into the run folder;
/// XAM profiles; one continuum simulation per transport set (fan-out); the comparison; the transference-number inference (its simulations fanned out in batches); run.json and the report; then the run is committed. A failing series
/// or step is recorded and the run goes on.
/// </summary>
public sealed class BeamtimeOrchestrator : TaskOrchestrator<BeamtimeRunRequest, RunOutcome>
{
    public override async Task<RunOutcome> RunAsync(TaskOrchestrationContext context, BeamtimeRunRequest input)
    {
        var created = context.CurrentUtcDateTime;
        RunPlan plan;
        try
        {
            plan = await context.CallActivityAsync<RunPlan>(nameof(PlanRunActivity), input, PipelineRetries.Activity);
        }
        catch (TaskFailedException e)
        {
            return await context.CallActivityAsync<RunOutcome>(nameof(FailRunActivity),
                new FailRunRequest(input.Beamtime, input.RunId, context.InstanceId, input.Parameters, $"plan: {PipelineRetries.Reason(e)}", created),
                PipelineRetries.Activity);
        }
        var failures = new List<string>();

        var ready = plan.Series.Where(s => s.State == PlanRunActivity.Ready).ToList();
        var outcomes = await Task.WhenAll(ready.Select(s => AnalyseAsync(context, input, s)));
        await Task.WhenAll(outcomes.Where(o => o.Status == SeriesStatus.Analysed).Select(o => PublishAsync(context, input, plan, o, failures)));

        var step = new BeamtimeStepRequest(input.Beamtime, input.RunId, plan.ResultPrefix);
        if (plan.HasXam) await Step(context, nameof(BuildXamProfilesActivity), step, "XAM profiles", failures);
        var simulated = await Task.WhenAll(plan.TransportSets.Select(set =>
            Step(context, nameof(SimulateCellActivity), new SimulateRequest(input.Beamtime, plan.ResultPrefix, set), $"simulation {set}", failures)));
        IReadOnlyList<string> ranking = [];
        if (simulated.Any(ok => ok))
        {
            try
            {
                ranking = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(CompareActivity),
                    new CompareRequest(input.Beamtime, input.RunId, plan.ResultPrefix, plan.TransportSets.Where((_, i) => simulated[i]).ToList()),
                    PipelineRetries.Activity);
            }
            catch (TaskFailedException e)
            {
                failures.Add($"comparison: {PipelineRetries.Reason(e)}");
            }
        }
        if (input.Parameters.Infer && ranking.Count > 0)
            await InferAsync(context, new InferenceRequest(input.Beamtime, plan.ResultPrefix, ranking[0], 0), failures);

        var manifest = await context.CallActivityAsync<RunOutcome>(nameof(WriteRunManifestActivity),
            new CommitRunRequest(input.Beamtime, input.RunId, plan.ResultPrefix, context.InstanceId, input.Parameters, failures, created),
            PipelineRetries.Activity);
        var reportFailures = new List<string>();
        await Step(context, nameof(ReportActivity), step, "report", reportFailures);
        if (reportFailures.Count > 0)
            manifest = manifest with { Status = RunStatus.Failed, StepFailures = [.. manifest.StepFailures, .. reportFailures] };
        return await context.CallActivityAsync<RunOutcome>(nameof(CommitRunActivity), manifest, PipelineRetries.Activity);
    }

    /// <summary>The outcome of one series' analysis: computed here, reused, or awaited while another orchestration computes it.</summary>
    private static async Task<SeriesAnalysisOutcome> AnalyseAsync(TaskOrchestrationContext context, BeamtimeRunRequest input, PlannedSeries series)
    {
        string owner = $"{context.InstanceId}:{series.Series}";
        var claimRequest = new ClaimRequest(input.Beamtime, series.Series, series.AnalysisId!, owner) { QMap = input.Parameters.QMap, TwoTime = input.Parameters.TwoTime };
        var deadline = context.CurrentUtcDateTime.AddMinutes(input.Parameters.WaitForSeriesMinutes);
        while (true)
        {
            var claim = await context.CallActivityAsync<ClaimResult>(nameof(ClaimAnalysisActivity), claimRequest, PipelineRetries.Activity);
            if (claim.State is AnalysisClaims.Claimed or AnalysisClaims.Owned)
                return await context.CallSubOrchestratorAsync<SeriesAnalysisOutcome>(nameof(SeriesOrchestrator),
                    new SeriesAnalysisRequest(input.Beamtime, series.Series, series.AnalysisId!, input.Parameters.QMap, series.Shards,
                        series.ResultFile is null ? null : input.Beamtime + "/" + series.ResultFile) { TwoTime = input.Parameters.TwoTime },
                    new SubOrchestrationOptions { InstanceId = owner });
            if (claim.State == AnalysisClaims.Done) return claim.Outcome!;
            if (context.CurrentUtcDateTime > deadline)
                return new SeriesAnalysisOutcome(input.Beamtime, series.Series, series.AnalysisId!, SeriesStatus.Failed,
                    $"timed out after {input.Parameters.WaitForSeriesMinutes} min waiting for analysis {series.AnalysisId} by another orchestration",
                    ResultNames.AnalysisPrefix(input.Beamtime, series.Series, series.AnalysisId!), null, null, null, 0, 0);
            await context.CreateTimer(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
    }

    /// <summary>
    /// Copies a series' results into the run folder. When its fit read other beamtime-level files than the run planned
    /// (e.g. the series was analysed while the upload was streaming, before echem.csv arrived), it is fitted again with
    /// the planned ones into the run folder.
    /// </summary>
    private static async Task PublishAsync(TaskOrchestrationContext context, BeamtimeRunRequest input, RunPlan plan, SeriesAnalysisOutcome outcome,
        List<string> failures)
    {
        if (await context.CallActivityAsync<bool>(nameof(PublishSeriesActivity), new PublishSeriesRequest(plan.ResultPrefix, outcome) { BeamtimeInputs = plan.BeamtimeInputs },
                PipelineRetries.Activity))
            return;
        var planned = plan.Series.First(s => s.Series == outcome.Series);
        var request = new CorrelateRequest(input.Beamtime, outcome.Series, outcome.AnalysisId, planned.ResultFile is null ? input.Parameters.QMap : null, 0, 1)
        {
            TwoTime = planned.ResultFile is null ? input.Parameters.TwoTime : null,
            ForRun = new RunFit(plan.BeamtimeInputs!, plan.ResultPrefix + ResultNames.SeriesFolder(outcome.Series) + ResultNames.FitFile),
        };
        try
        {
            await context.CallActivityAsync<FitResult>(planned.ResultFile is null ? nameof(FitSeriesActivity) : nameof(FitResultSeriesActivity), request,
                PipelineRetries.Activity);
        }
        catch (TaskFailedException e)
        {
            failures.Add($"fit of series {outcome.Series} with the run's beamtime files: {PipelineRetries.Reason(e)}");
        }
    }

    /// <summary>
    /// The transference-number sweep with the best-ranked set as base: each round's simulations fan out in batches, the
    /// next round is refined from all misfits so far, and the summary writes inference.json.
    /// </summary>
    private static async Task InferAsync(TaskOrchestrationContext context, InferenceRequest request, List<string> failures)
    {
        try
        {
            int batches = await context.CallActivityAsync<int>(nameof(PlanInferenceActivity), request, PipelineRetries.Activity);
            while (batches > 0)
            {
                var round = request;
                await Task.WhenAll(Enumerable.Range(0, batches).Select(b =>
                    context.CallActivityAsync<int>(nameof(EvaluateInferenceBatchActivity), new InferenceBatchRequest(round, b), PipelineRetries.Activity)));
                batches = await context.CallActivityAsync<int>(nameof(RefineInferenceActivity), request, PipelineRetries.Activity);
                if (batches > 0) request = request with { Round = request.Round + 1 };
            }
            await context.CallActivityAsync<ActivityResult>(nameof(SummarizeInferenceActivity), request, PipelineRetries.Activity);
        }
        catch (TaskFailedException e)
        {
            failures.Add($"inference: {PipelineRetries.Reason(e)}");
        }
    }

    /// <summary>Runs one step; a failure is recorded (the run goes on) and false returned.</summary>
    private static async Task<bool> Step<TInput>(TaskOrchestrationContext context, string activity, TInput input, string what, List<string> failures)
    {
        try
        {
            await context.CallActivityAsync<ActivityResult>(activity, input, PipelineRetries.Activity);
            return true;
        }
        catch (TaskFailedException e)
        {
            failures.Add($"{what}: {PipelineRetries.Reason(e)}");
            return false;
        }
    }
}
