using Azure.Storage.Blobs.Models;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>
/// The local stand-in for Event Grid: lists the raw container and turns every new or changed blob (by name and ETag)
/// into the same ingest as a blob-created event. Repeated events for the same blob are harmless (ingest is idempotent).
/// The new blobs of one series are handed over together (<see cref="RawBlobIngestor.IngestSeriesAsync"/>), several
/// series at once.
/// </summary>
public sealed class RawBlobWatcher(PipelineStorage storage, RawBlobIngestor ingestor)
{
    /// <summary>Series ingested at once by one scan.</summary>
    private const int SeriesAtOnce = 4;

    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>One pass over raw/{prefix}; returns the number of blobs ingested.</summary>
    public async Task<int> ScanOnceAsync(string prefix = "", CancellationToken cancellationToken = default)
    {
        var fresh = new List<BlobItem>();
        await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            string etag = blob.Properties.ETag?.ToString() ?? "";
            lock (_seen)
            {
                if (_seen.TryGetValue(blob.Name, out string? known) && known == etag) continue;
                _seen[blob.Name] = etag;
            }
            fresh.Add(blob);
        }
        var bySeries = new Dictionary<(string, string), List<ListedSeriesBlob>>();
        var others = new List<string>();
        foreach (var blob in fresh)
        {
            if (RawBlobName.TryParse(blob.Name, out var name, out _) && name!.Kind is RawBlobKind.SeriesManifest or RawBlobKind.Chunk or RawBlobKind.SeriesFile
                && blob.Properties is { ETag: { } etag, LastModified: { } modified })
            {
                var key = (name.Beamtime, name.Series!);
                if (!bySeries.TryGetValue(key, out var list)) bySeries[key] = list = [];
                list.Add(new ListedSeriesBlob(name, Quoted(etag), blob.Properties.ContentHash, modified, blob.Properties.ContentLength ?? 0));
            }
            else others.Add(blob.Name);
        }
        var ingested = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (string name in others.Order(StringComparer.Ordinal))
            {
                await ingestor.IngestAsync(name, cancellationToken);
                lock (ingested) ingested.Add(name);
            }
            await Parallel.ForEachAsync(bySeries.OrderBy(p => p.Key).Select(p => p.Value),
                new ParallelOptions { MaxDegreeOfParallelism = SeriesAtOnce, CancellationToken = cancellationToken }, async (blobs, ct) =>
                {
                    await ingestor.IngestSeriesAsync(blobs, ct);
                    lock (ingested) ingested.UnionWith(blobs.Select(b => b.Name.Name));
                });
        }
        catch
        {
            // Not recorded (e.g. storage unreachable): the next scan delivers these blobs again, as Event Grid redelivers.
            lock (_seen)
                foreach (var unrecorded in fresh.Where(b => !ingested.Contains(b.Name))) _seen.Remove(unrecorded.Name);
            throw;
        }
        return fresh.Count;
    }

    /// <summary>
    /// A listing gives an ETag without quotes, a blob's properties with them; the rows keep the form of the properties
    /// (what a blob-created event records), since captured inputs are compared with them as text.
    /// </summary>
    private static Azure.ETag Quoted(Azure.ETag etag)
    {
        string text = etag.ToString();
        return text.StartsWith('"') ? etag : new Azure.ETag($"\"{text}\"");
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
