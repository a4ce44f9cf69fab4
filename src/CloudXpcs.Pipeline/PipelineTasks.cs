using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Orchestration;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline;

/// <summary>Every orchestrator and activity of the pipeline; the Functions app and the local host both register these.</summary>
public static class PipelineTasks
{
    public static DurableTaskRegistry Register(DurableTaskRegistry registry) => registry
        .AddOrchestrator<SeriesOrchestrator>()
        .AddOrchestrator<BeamtimeOrchestrator>()
        .AddOrchestrator<RunSeriesOrchestrator>()
        .AddOrchestrator<LiveSeriesOrchestrator>()
        .AddActivity<ClaimAnalysisActivity>()
        .AddActivity<CorrelateSeriesActivity>()
        .AddActivity<MergeShardsActivity>()
        .AddActivity<FitSeriesActivity>()
        .AddActivity<TwoTimeGroupActivity>()
        .AddActivity<FitResultSeriesActivity>()
        .AddActivity<CompleteAnalysisActivity>()
        .AddActivity<PlanRunActivity>()
        .AddActivity<PublishSeriesActivity>()
        .AddActivity<BuildXamProfilesActivity>()
        .AddActivity<SimulateCellActivity>()
        .AddActivity<CompareActivity>()
        .AddActivity<PlanInferenceActivity>()
        .AddActivity<EvaluateInferenceBatchActivity>()
        .AddActivity<RefineInferenceActivity>()
        .AddActivity<SummarizeInferenceActivity>()
        .AddActivity<WriteRunManifestActivity>()
        .AddActivity<ReportActivity>()
        .AddActivity<CommitRunActivity>()
        .AddActivity<FailRunActivity>()
        .AddActivity<PartialSeriesActivity>();
}
