using CloudXpcs.Pipeline.Orchestration;
using Microsoft.DurableTask.Client;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>Schedules the series (and live-feedback) orchestrations through a Durable Task client, unless an instance with the id exists.</summary>
public sealed class DurableAnalysisScheduler(DurableTaskClient client) : IAnalysisScheduler
{
    public Task ScheduleIfAbsentAsync(string instanceId, SeriesAnalysisRequest request, CancellationToken cancellationToken) =>
        ScheduleIfAbsentAsync(nameof(SeriesOrchestrator), instanceId, request, cancellationToken);

    public Task ScheduleLiveIfAbsentAsync(string instanceId, LiveSeriesRequest request, CancellationToken cancellationToken) =>
        ScheduleIfAbsentAsync(nameof(LiveSeriesOrchestrator), instanceId, request, cancellationToken);

    private async Task ScheduleIfAbsentAsync(string orchestrator, string instanceId, object request, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null) return;
        await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, request, new Microsoft.DurableTask.StartOrchestrationOptions(instanceId),
            cancellationToken);
    }
}
