using Azure.Core;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// Retry options of the pipeline's storage clients: a storage outage (connection refused, timeouts, 408/429/5xx, which
/// the Azure SDK classifies as transient; 404 and 412 are not retried) is waited out with exponential backoff for about
/// a minute inside each call, so that it never becomes a permanent failure of a series. The activities' retry policy
/// (<see cref="Contracts.PipelineRetries"/>) adds attempts on top.
/// </summary>
public static class StorageRetries
{
    public static T Configure<T>(T options) where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 10;
        options.Retry.Delay = TimeSpan.FromMilliseconds(500);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        return options;
    }
}
