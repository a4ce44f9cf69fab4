using DurableTask.Core;
using DurableTask.Core.History;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>
/// Passes the gRPC sidecar's calls through to the Azure Storage backend and repairs the two things the sidecar hands
/// over in a form that backend cannot store (LOCAL_DURABLE_HOST.md, trap 1): tag maps of protobuf type on
/// ExecutionStartedEvent, and the sidecar's own subclass of SubOrchestrationInstanceCreatedEvent, which Azure Storage
/// would store without its event type. Without the repair, sub-orchestrations never complete.
/// </summary>
internal sealed class SidecarCompatibleOrchestrationService(IOrchestrationService inner, IOrchestrationServiceClient innerClient)
    : IOrchestrationService, IOrchestrationServiceClient
{
    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        if (newOrchestrationRuntimeState is not null)
        {
            RepairHistory(newOrchestrationRuntimeState.NewEvents);
            RepairHistory(newOrchestrationRuntimeState.Events);
        }
        foreach (var message in orchestratorMessages ?? []) RepairMessage(message);
        if (continuedAsNewMessage is not null) RepairMessage(continuedAsNewMessage);
        return inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage, orchestrationState);
    }

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage)
    {
        RepairMessage(creationMessage);
        return innerClient.CreateTaskOrchestrationAsync(creationMessage);
    }

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses)
    {
        RepairMessage(creationMessage);
        return innerClient.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);
    }

    private static void RepairMessage(TaskMessage message)
    {
        if (message.Event is ExecutionStartedEvent started) RepairTags(started);
    }

    private static void RepairTags(ExecutionStartedEvent started)
    {
        if (started.Tags is not null && started.Tags.GetType() != typeof(Dictionary<string, string>))
            started.Tags = new Dictionary<string, string>(started.Tags);
    }

    private static void RepairHistory(IList<HistoryEvent>? events)
    {
        if (events is null) return;
        for (int i = 0; i < events.Count; i++)
        {
            switch (events[i])
            {
                case ExecutionStartedEvent started:
                    RepairTags(started);
                    break;
                case SubOrchestrationInstanceCreatedEvent created when created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent):
                    events[i] = new SubOrchestrationInstanceCreatedEvent(created.EventId)
                    {
                        Name = created.Name,
                        Version = created.Version,
                        InstanceId = created.InstanceId,
                        Input = created.Input,
                        Timestamp = created.Timestamp,
                        IsPlayed = created.IsPlayed,
                        Tags = created.Tags is null ? null : new Dictionary<string, string>(created.Tags),
                    };
                    break;
            }
        }
    }

    // Everything else passes straight through.
    public Task StartAsync() => inner.StartAsync();
    public Task StopAsync() => inner.StopAsync();
    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);
    public Task CreateAsync() => inner.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
    public Task DeleteAsync() => inner.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
    public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => innerClient.SendTaskOrchestrationMessageAsync(message);
    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => innerClient.SendTaskOrchestrationMessageBatchAsync(messages);
    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        innerClient.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => innerClient.ForceTerminateTaskOrchestrationAsync(instanceId, reason);
    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        innerClient.GetOrchestrationStateAsync(instanceId, allExecutions);
    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        innerClient.GetOrchestrationStateAsync(instanceId, executionId);
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => innerClient.GetOrchestrationHistoryAsync(instanceId, executionId);
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        innerClient.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);
}
