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

        // Every branch below is fanned out in one episode and joined before the next step, so the tasks are numbered in
        // the plan's order whatever order their answers come in (RunSeriesOrchestrator explains why that matters).
        var ready = plan.Series.Where(s => s.State == PlanRunActivity.Ready).ToList();
        var outcomes = await Task.WhenAll(ready.Select(s => context.CallSubOrchestratorAsync<SeriesAnalysisOutcome>(nameof(RunSeriesOrchestrator),
            new RunSeriesRequest(input, s), new SubOrchestrationOptions { InstanceId = RunSeriesOrchestrator.InstanceId(context.InstanceId, s.Series) })));
        var analysed = outcomes.Where(o => o.Status == SeriesStatus.Analysed).ToList();
        var published = await RetriedFanOut.AllAsync<bool>(context, analysed.Select(o => new ActivityCall(nameof(PublishSeriesActivity),
            new PublishSeriesRequest(plan.ResultPrefix, o) { BeamtimeInputs = plan.BeamtimeInputs })).ToList());
        var refits = analysed.Where((_, i) => !published[i]).ToList();
        var refitted = await RetriedFanOut.RunAsync<FitResult>(context, refits.Select(o => RefitCall(input, plan, o)).ToList());
        failures.AddRange(refits.Zip(refitted, (o, r) => r.Failure is { } e
            ? $"fit of series {o.Series} with the run's beamtime files: {PipelineRetries.Reason(e)}" : null).OfType<string>());

        var step = new BeamtimeStepRequest(input.Beamtime, input.RunId, plan.ResultPrefix);
        if (plan.HasXam && await TryStep(context, nameof(BuildXamProfilesActivity), step, "XAM profiles") is { } xamFailure) failures.Add(xamFailure);
        var simulations = await RetriedFanOut.RunAsync<ActivityResult>(context, plan.TransportSets.Select(set =>
            new ActivityCall(nameof(SimulateCellActivity), new SimulateRequest(input.Beamtime, plan.ResultPrefix, set))).ToList());
        failures.AddRange(plan.TransportSets.Zip(simulations, (set, r) => r.Failure is { } e ? $"simulation {set}: {PipelineRetries.Reason(e)}" : null)
            .OfType<string>());
        var simulated = simulations.Select(r => r.Failure is null).ToArray();
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
        if (await TryStep(context, nameof(ReportActivity), step, "report") is { } reportFailure)
            manifest = manifest with { Status = RunStatus.Failed, StepFailures = [.. manifest.StepFailures, reportFailure] };
        return await context.CallActivityAsync<RunOutcome>(nameof(CommitRunActivity), manifest, PipelineRetries.Activity);
    }

    /// <summary>
    /// The call that fits a published series again with the run's planned beamtime-level files into the run folder, because
    /// its fit read other ones (e.g. the series was analysed while the upload was streaming, before echem.csv arrived).
    /// </summary>
    private static ActivityCall RefitCall(BeamtimeRunRequest input, RunPlan plan, SeriesAnalysisOutcome outcome)
    {
        var planned = plan.Series.First(s => s.Series == outcome.Series);
        var request = new CorrelateRequest(input.Beamtime, outcome.Series, outcome.AnalysisId, planned.ResultFile is null ? input.Parameters.QMap : null, 0, 1)
        {
            TwoTime = planned.ResultFile is null ? input.Parameters.TwoTime : null,
            ForRun = new RunFit(plan.BeamtimeInputs!, plan.ResultPrefix + ResultNames.SeriesFolder(outcome.Series) + ResultNames.FitFile),
        };
        return new ActivityCall(planned.ResultFile is null ? nameof(FitSeriesActivity) : nameof(FitResultSeriesActivity), request);
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
                await RetriedFanOut.AllAsync<int>(context, Enumerable.Range(0, batches)
                    .Select(b => new ActivityCall(nameof(EvaluateInferenceBatchActivity), new InferenceBatchRequest(round, b))).ToList());
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

    /// <summary>Runs one step; its failure is returned (to be recorded while the run goes on), else null.</summary>
    private static async Task<string?> TryStep<TInput>(TaskOrchestrationContext context, string activity, TInput input, string what)
    {
        try
        {
            await context.CallActivityAsync<ActivityResult>(activity, input, PipelineRetries.Activity);
            return null;
        }
        catch (TaskFailedException e)
        {
            return $"{what}: {PipelineRetries.Reason(e)}";
        }
    }
}
