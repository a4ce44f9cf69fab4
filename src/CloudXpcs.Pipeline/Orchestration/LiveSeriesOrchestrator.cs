using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Orchestration;

/// <summary>
/// One request for a partial result of a series being acquired (a chunk landed): asks <see cref="PartialSeriesActivity"/>
/// until it writes or skips, waiting (durable timer) while another partial of the series is computed or the last one
/// is younger than the interval, so the newest chunks are always covered in the end. Best effort: a failure is
/// returned, never thrown; the final analysis does not depend on it.
/// </summary>
public sealed class LiveSeriesOrchestrator : TaskOrchestrator<LiveSeriesRequest, LiveStepResult>
{
    private const int MaxWaits = 60;

    public override async Task<LiveStepResult> RunAsync(TaskOrchestrationContext context, LiveSeriesRequest input)
    {
        for (int wait = 0; ; wait++)
        {
            LiveStepResult step;
            try
            {
                step = await context.CallActivityAsync<LiveStepResult>(nameof(PartialSeriesActivity), input);
            }
            catch (TaskFailedException e)
            {
                return new LiveStepResult(LiveStep.Skipped, 0, 0, 0, "failed: " + PipelineRetries.Reason(e), 0);
            }
            if (step.Step != LiveStep.Wait || wait >= MaxWaits) return step;
            await context.CreateTimer(TimeSpan.FromSeconds(Math.Clamp(step.WaitS, 1, 600)), CancellationToken.None);
        }
    }
}
