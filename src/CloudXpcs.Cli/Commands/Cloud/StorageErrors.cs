using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// Storage clients of the commands: transient failures (busy or restarting emulator, 5xx, 408/429, refused connections)
/// retried with backoff, and the resource of the last failed request remembered so that an error names it.
/// </summary>
public static class StorageErrors
{
    private static volatile string? _lastFailedResource;

    public static BlobClientOptions BlobOptions() => Configure(new BlobClientOptions(), "blob");
    public static TableClientOptions TableOptions() => Configure(new TableClientOptions(), "table");
    public static QueueClientOptions QueueOptions() => Configure(new QueueClientOptions(), "queue");

    private static T Configure<T>(T options, string service) where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 8;
        options.Retry.Delay = TimeSpan.FromMilliseconds(250);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        options.AddPolicy(new RememberFailedResourcePolicy(service), HttpPipelinePosition.PerCall);
        return options;
    }

    /// <summary>One line: <c>&lt;container/blob/table&gt;: &lt;problem&gt; (&lt;remedy&gt;)</c>.</summary>
    public static string Describe(RequestFailedException e)
    {
        string resource = _lastFailedResource ?? "storage";
        string problem = e.Status == 0
            ? "storage not reachable: " + (e.InnerException?.Message ?? e.Message.Split('\n')[0])
            : $"{e.ErrorCode ?? "status " + e.Status}: {e.Message.Split('\n')[0].Trim()}";
        string remedy = e.ErrorCode switch
        {
            "ContainerNotFound" => "containers are created when a command starts: run it again, and check --raw-container/--results-container",
            "BlobNotFound" => "upload the beamtime first (cloudxpcs upload --beamtime DIR) or check the beamtime name",
            "TableNotFound" => "tables are created when a command starts: run it again, and check --name-prefix",
            "AuthenticationFailed" or "AuthorizationFailure" or "AuthorizationPermissionMismatch" =>
                "check the connection string (--storage or CLOUDXPCS_STORAGE) and the identity's data-plane roles",
            _ when e.Status == 0 =>
                "is the storage running? without --storage and CLOUDXPCS_STORAGE cloudxpcs starts its own Azurite",
            _ when e.Status >= 500 || e.Status is 408 or 429 =>
                "the storage stayed busy through retries: run the command again; earlier work is kept",
            _ => "check --storage/CLOUDXPCS_STORAGE and the container and table options",
        };
        return $"{resource}: {problem} ({remedy})";
    }

    /// <summary>"container raw, blob bt/x.h5", "table series", "queue cloudxpcs-events" from a request URI (Azurite or Azure).</summary>
    internal static string ResourceName(string service, Uri uri)
    {
        var parts = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        // Azurite (and other path-style endpoints on an IP address) put the account first.
        if (parts.Count > 0 && (uri.IsLoopback || uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)) parts.RemoveAt(0);
        if (parts.Count == 0) return $"{service} service {uri.Authority}";
        string first = Uri.UnescapeDataString(parts[0]);
        string rest = Uri.UnescapeDataString(string.Join('/', parts.Skip(1)));
        return service switch
        {
            "blob" => rest.Length > 0 ? $"container {first}, blob {rest}" : $"container {first}",
            "table" => "table " + first.Split('(')[0],
            _ => "queue " + first,
        };
    }

    private sealed class RememberFailedResourcePolicy(string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try { ProcessNext(message, pipeline); }
            catch (RequestFailedException) { Remember(message); throw; }
            if (message.HasResponse && message.Response.Status >= 400) Remember(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try { await ProcessNextAsync(message, pipeline); }
            catch (RequestFailedException) { Remember(message); throw; }
            if (message.HasResponse && message.Response.Status >= 400) Remember(message);
        }

        private void Remember(HttpMessage message)
        {
            // Also expected answers (404/409 of existence checks); the error names the latest failure before it.
            _lastFailedResource = ResourceName(service, message.Request.Uri.ToUri());
        }
    }
}
