using System.Collections.Concurrent;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// The BeamtimeOrchestrator's control flow in memory (the Durable Task SDK's in-process test host) with stand-in
/// activities: every ready series is analysed, a failed series and a failed step are recorded while the run goes on,
/// and the run is committed last.
/// </summary>
public sealed class BeamtimeOrchestratorControlFlowTests
{
    private readonly ConcurrentQueue<string> _calls = new();

    [Fact]
    public async Task A_failed_series_and_a_failed_simulation_are_recorded_the_run_goes_on_and_is_committed_last()
    {
        const string Prefix = "bt/runs/r1/";
        var plan = new RunPlan("bt", "r1", Prefix,
            [new PlannedSeries("s1", "a1", PlanRunActivity.Ready, null, 1), new PlannedSeries("s2", "a2", PlanRunActivity.Ready, null, 1),
             new PlannedSeries("s3", null, PlanRunActivity.Incomplete, "chunk 1 missing", 0)],
            ["PNB", "RS"], HasXam: true, HasEchem: true);
        IReadOnlyList<string>? recordedFailures = null;
        await using var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestrator<BeamtimeOrchestrator>();
            registry.AddOrchestrator<RunSeriesOrchestrator>();
            registry.AddOrchestrator<SeriesOrchestrator>();
            Activity<BeamtimeRunRequest, RunPlan>(registry, nameof(PlanRunActivity), _ => plan);
            Activity<ClaimRequest, ClaimResult>(registry, nameof(ClaimAnalysisActivity), r => new ClaimResult(AnalysisClaims.Claimed, null), r => "claim " + r.Series);
            Activity<CorrelateRequest, ActivityResult>(registry, nameof(CorrelateSeriesActivity), r => new ActivityResult("g2.h5", 1), r => "correlate " + r.Series);
            Activity<CorrelateRequest, FitResult>(registry, nameof(FitSeriesActivity), r => r.Series == "s2"
                ? throw new DataContractException("bt/xpcs/s2/series.json", "q range off the detector")
                : new FitResult("fit.json", 1, 5.0, 0.1, true), r => "fit " + r.Series);
            Activity<AnalysisCompletion, bool>(registry, nameof(CompleteAnalysisActivity), _ => true, c => $"complete {c.Outcome.Series} {c.Outcome.Status.Name()}");
            Activity<PublishSeriesRequest, bool>(registry, nameof(PublishSeriesActivity), _ => true, r => "publish " + r.Outcome.Series);
            Activity<BeamtimeStepRequest, ActivityResult>(registry, nameof(BuildXamProfilesActivity), _ => new ActivityResult("xam", 1), _ => "xam");
            Activity<SimulateRequest, ActivityResult>(registry, nameof(SimulateCellActivity), r => r.Set == "RS"
                ? throw new DataContractException("RS", "the solver did not converge")
                : new ActivityResult(r.Set, 1), r => "simulate " + r.Set);
            Activity<CompareRequest, IReadOnlyList<string>>(registry, nameof(CompareActivity), r => r.Sets, r => "compare " + string.Join(",", r.Sets));
            Activity<CommitRunRequest, RunOutcome>(registry, nameof(WriteRunManifestActivity), r =>
            {
                recordedFailures = r.StepFailures;
                return new RunOutcome(r.Beamtime, r.RunId, r.StepFailures.Count == 0 ? RunStatus.Completed : RunStatus.Failed, r.RunPrefix, 1, 2, r.StepFailures);
            }, _ => "run.json");
            Activity<BeamtimeStepRequest, ActivityResult>(registry, nameof(ReportActivity), _ => new ActivityResult("report", 1), _ => "report");
            Activity<RunOutcome, RunOutcome>(registry, nameof(CommitRunActivity), o => o, _ => "commit");
        }, new DurableTaskTestHostOptions { Port = LoopbackPorts.Free() });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(BeamtimeOrchestrator),
            new BeamtimeRunRequest("bt", "r1", new RunParameters { Infer = false }), timeout.Token);
        var state = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var outcome = state.ReadOutputAs<RunOutcome>()!;

        var calls = _calls.ToArray();
        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal("commit", calls[^1]);
        Assert.Equal(["run.json", "report", "commit"], calls[^3..]);
        Assert.Contains("complete s2 failed", calls);
        Assert.Contains("complete s1 analysed", calls);
        Assert.Contains("publish s1", calls);
        Assert.DoesNotContain("publish s2", calls);
        Assert.DoesNotContain(calls, c => c.EndsWith(" s3", StringComparison.Ordinal));
        Assert.Contains("compare PNB", calls);
        Assert.Single(recordedFailures!);
        Assert.StartsWith("simulation RS: ", recordedFailures![0]);
    }

    private void Activity<TInput, TOutput>(DurableTaskRegistry registry, string name, Func<TInput, TOutput> run, Func<TInput, string>? record = null) =>
        registry.AddActivityFunc<TInput, TOutput>(name, (_, input) =>
        {
            _calls.Enqueue(record?.Invoke(input) ?? name);
            return run(input);
        });
}
