using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Configuration;

/// <summary>
/// The app's connections, read the way the Functions host reads identity-based connections: a setting NAME holds a
/// connection string (local, Azurite), or NAME__blobServiceUri / NAME__queueServiceUri / NAME__tableServiceUri (in
/// Azure) with a managed identity (NAME__clientId for a user-assigned one, else the default credential chain).
/// Error messages name the setting, never its value.
/// </summary>
public static class AzureConnections
{
    public const string ServiceBusSetting = "CLOUDXPCS_SERVICEBUS";
    public const string EventsTopic = "cloudxpcs-events";

    public static PipelineStorage CreateStorage(IConfiguration configuration, PipelineStorageOptions? names = null)
    {
        const string setting = PipelineStorageOptions.ConnectionSetting;
        var options = names ?? new PipelineStorageOptions();
        var section = configuration.GetSection(setting);
        if (section.Value is { Length: > 0 } connectionString)
        {
            try
            {
                return new PipelineStorage(options, new BlobServiceClient(connectionString, StorageRetries.Configure(new BlobClientOptions())),
                    new TableServiceClient(connectionString, StorageRetries.Configure(new TableClientOptions())),
                    new QueueServiceClient(connectionString, StorageRetries.Configure(new QueueClientOptions())));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new InvalidOperationException($"setting {setting} is not a valid storage connection string ({e.GetType().Name})");
            }
        }
        if (section["blobServiceUri"] is { Length: > 0 })
        {
            var credential = Credential(section);
            return new PipelineStorage(options,
                new BlobServiceClient(ServiceUri(section, setting, "blobServiceUri"), credential, StorageRetries.Configure(new BlobClientOptions())),
                new TableServiceClient(ServiceUri(section, setting, "tableServiceUri"), credential, StorageRetries.Configure(new TableClientOptions())),
                new QueueServiceClient(ServiceUri(section, setting, "queueServiceUri"), credential, StorageRetries.Configure(new QueueClientOptions())));
        }
        return new PipelineStorage(options with { ConnectionString = PipelineStorageOptions.DevelopmentStorage });
    }

    /// <summary>Service Bus topic when CLOUDXPCS_SERVICEBUS__fullyQualifiedNamespace is set, else the storage events queue.</summary>
    public static IPipelineNotifier CreateNotifier(IConfiguration configuration, PipelineStorage storage)
    {
        var section = configuration.GetSection(ServiceBusSetting);
        if (section["fullyQualifiedNamespace"] is { Length: > 0 } fullyQualifiedNamespace)
        {
            var client = new ServiceBusClient(fullyQualifiedNamespace, Credential(section));
            return new ServiceBusNotifier(client.CreateSender(EventsTopic));
        }
        return new StorageQueueNotifier(storage.Queues.GetQueueClient(storage.Options.EventsQueue));
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();

    private static Uri ServiceUri(IConfigurationSection section, string setting, string key)
    {
        string? value = section[key];
        if (string.IsNullOrEmpty(value)) throw new InvalidOperationException($"setting {setting}__{key} is missing (identity-based connection)");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0)
            throw new InvalidOperationException($"setting {setting}__{key} is not an http(s) service URI without query");
        return uri;
    }
}
