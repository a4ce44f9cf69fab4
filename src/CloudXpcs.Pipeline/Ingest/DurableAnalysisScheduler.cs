using CloudXpcs.Pipeline.Orchestration;
using Microsoft.DurableTask.Client;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>Schedules the series orchestration through a Durable Task client, unless an instance with the id exists.</summary>
public sealed class DurableAnalysisScheduler(DurableTaskClient client) : IAnalysisScheduler
{
    public async Task ScheduleIfAbsentAsync(string instanceId, SeriesAnalysisRequest request, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null) return;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(SeriesOrchestrator), request,
            new Microsoft.DurableTask.StartOrchestrationOptions(instanceId), cancellationToken);
    }

    public async Task ScheduleLiveIfAbsentAsync(string instanceId, LiveSeriesRequest request, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not null) return;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(LiveSeriesOrchestrator), request,
            new Microsoft.DurableTask.StartOrchestrationOptions(instanceId), cancellationToken);
    }
}
