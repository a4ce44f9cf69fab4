using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Notifications;

/// <summary>Event kinds that the pipeline publishes.</summary>
public static class PipelineEventKind
{
    public const string SeriesAnalysed = "series-analysed";
    public const string SeriesFailed = "series-failed";
    public const string BeamtimeRunCompleted = "beamtime-run-completed";
}

/// <summary>One notification (JSON body of the queue message or Service Bus message).</summary>
public sealed record PipelineEvent(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("series")] string? Series,
    [property: JsonPropertyName("run_id")] string? RunId,
    [property: JsonPropertyName("detail")] string? Detail,
    [property: JsonPropertyName("time_utc")] DateTimeOffset TimeUtc)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static PipelineEvent FromJson(string json) =>
        JsonSerializer.Deserialize<PipelineEvent>(json) ?? throw new FormatException("empty pipeline event");
}

/// <summary>Publishes pipeline events: Service Bus topic in Azure, Storage queue locally. Delivery is at least once.</summary>
public interface IPipelineNotifier
{
    Task PublishAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken = default);
}

/// <summary>Local notifier: one message per event on an Azure Storage queue (Azurite).</summary>
public sealed class StorageQueueNotifier(QueueClient queue) : IPipelineNotifier
{
    private bool _created;

    public async Task PublishAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken = default)
    {
        if (!_created)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
        await queue.SendMessageAsync(BinaryData.FromString(pipelineEvent.ToJson()), cancellationToken: cancellationToken);
    }
}

/// <summary>Cloud notifier: one message per event on a Service Bus topic, with the kind as subject for subscription filters.</summary>
public sealed class ServiceBusNotifier(ServiceBusSender sender) : IPipelineNotifier
{
    public Task PublishAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken = default) =>
        sender.SendMessageAsync(ToMessage(pipelineEvent), cancellationToken);

    public static ServiceBusMessage ToMessage(PipelineEvent pipelineEvent)
    {
        var message = new ServiceBusMessage(BinaryData.FromString(pipelineEvent.ToJson()))
        {
            ContentType = "application/json",
            Subject = pipelineEvent.Kind,
            MessageId = Truncate($"{pipelineEvent.Kind}:{pipelineEvent.Beamtime}:{pipelineEvent.Series ?? pipelineEvent.RunId}:{pipelineEvent.Detail}", 128),
        };
        message.ApplicationProperties["beamtime"] = pipelineEvent.Beamtime;
        if (pipelineEvent.Series is not null) message.ApplicationProperties["series"] = pipelineEvent.Series;
        if (pipelineEvent.RunId is not null) message.ApplicationProperties["run_id"] = pipelineEvent.RunId;
        return message;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
