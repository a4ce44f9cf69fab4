using System.Collections.Concurrent;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Ingest;

namespace CloudXpcs.Pipeline.Tests.Support;

/// <summary>An analysis scheduler that only records what it was asked to start.</summary>
public sealed class RecordingScheduler : IAnalysisScheduler
{
    public ConcurrentBag<(string InstanceId, SeriesAnalysisRequest Request)> Scheduled { get; } = [];

    public Task ScheduleIfAbsentAsync(string instanceId, SeriesAnalysisRequest request, CancellationToken cancellationToken)
    {
        Scheduled.Add((instanceId, request));
        return Task.CompletedTask;
    }
}
