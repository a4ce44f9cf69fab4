using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Functions.Tests.Support;

/// <summary>A Durable Task client that records the orchestrations it is asked to start and knows only those.</summary>
public sealed class FakeDurableTaskClient() : DurableTaskClient("fake")
{
    public sealed record Scheduled(string Name, object? Input, string InstanceId);

    private readonly List<Scheduled> _scheduled = [];
    private readonly HashSet<string> _completed = [];

    public IReadOnlyList<Scheduled> ScheduledOrchestrations { get { lock (_scheduled) return _scheduled.ToList(); } }

    /// <summary>Marks a scheduled instance completed (it is pending until then).</summary>
    public void Complete(string instanceId)
    {
        lock (_scheduled) _completed.Add(instanceId);
    }

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        string id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        lock (_scheduled)
        {
            if (_scheduled.Any(s => s.InstanceId == id)) throw new InvalidOperationException($"an instance with id {id} exists");
            _scheduled.Add(new Scheduled(orchestratorName.Name, input, id));
        }
        return Task.FromResult(id);
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        Scheduled? known;
        bool completed;
        lock (_scheduled)
        {
            known = _scheduled.FirstOrDefault(s => s.InstanceId == instanceId);
            completed = _completed.Contains(instanceId);
        }
        return Task.FromResult(known is null ? null : new OrchestrationMetadata(known.Name, instanceId)
        {
            RuntimeStatus = completed ? OrchestrationRuntimeStatus.Completed : OrchestrationRuntimeStatus.Pending
        });
    }

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false,
        CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
