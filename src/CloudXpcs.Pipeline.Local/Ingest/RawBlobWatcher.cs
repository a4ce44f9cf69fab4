using Azure.Storage.Blobs.Models;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>
/// The local stand-in for Event Grid: lists the raw container and turns every new or changed blob (by name and ETag)
/// into the same ingest call as a blob-created event. Repeated events for the same blob are harmless (ingest is idempotent).
/// </summary>
public sealed class RawBlobWatcher(PipelineStorage storage, RawBlobIngestor ingestor)
{
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>One pass over raw/{prefix}; returns the number of blobs ingested.</summary>
    public async Task<int> ScanOnceAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        var fresh = new List<string>();
        await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            string etag = blob.Properties.ETag?.ToString() ?? "";
            lock (_seen)
            {
                if (_seen.TryGetValue(blob.Name, out string? known) && known == etag) continue;
                _seen[blob.Name] = etag;
            }
            fresh.Add(blob.Name);
        }
        // Manifests first only to save work; any order gives the same result.
        var ingested = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in fresh.OrderBy(n => n.EndsWith("/series.json", StringComparison.Ordinal) ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal))
        {
            try
            {
                await ingestor.IngestAsync(name, cancellationToken);
                ingested.Add(name);
            }
            catch
            {
                // Not recorded (e.g. storage unreachable): the next scan delivers these blobs again, as Event Grid redelivers.
                lock (_seen)
                    foreach (string unrecorded in fresh.Where(n => !ingested.Contains(n))) _seen.Remove(unrecorded);
                throw;
            }
        }
        return fresh.Count;
    }

    /// <summary>Scans until cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, string prefix = "", CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await ScanOnceAsync(prefix, cancellationToken);
            try { await Task.Delay(interval, cancellationToken); } catch (OperationCanceledException) { return; }
        }
    }
}
