using Azure;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// Where the partial result of a series being acquired lives: results/{beamtime}/live/{series}/ (partial.json and its
/// partial g2), outside every analysis and run folder, removed when the series' analysis completes. A lease blob there
/// keeps partial computations of one series one at a time.
/// </summary>
public static class LiveResults
{
    /// <summary>A lease older than this is taken over (its holder died).</summary>
    public static readonly TimeSpan StaleLease = TimeSpan.FromMinutes(10);

    public static string Prefix(string beamtime, string series) => $"{beamtime}/live/{series}/";
    public static string DocumentBlob(string beamtime, string series) => Prefix(beamtime, series) + PartialResultJson.FileName;
    public static string G2Blob(string beamtime, string series) => Prefix(beamtime, series) + PartialResultJson.G2FileName;
    private static string LeaseBlob(string beamtime, string series) => Prefix(beamtime, series) + "computing.lease";

    /// <summary>The orchestration of one partial request: one per series and number of chunks landed (duplicate events are no-ops).</summary>
    public static string OrchestrationId(string beamtime, string series, string manifestMd5, int chunksLanded) =>
        $"live:{beamtime}:{series}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(manifestMd5)))[..8]}:{chunksLanded}";

    /// <summary>The chunk rows the ingest recorded for the series (indices below <paramref name="expected"/>), by index.</summary>
    public static async Task<SortedDictionary<int, ChunkRow>> LandedChunksAsync(PipelineStorage storage, string beamtime, string series, int expected,
        CancellationToken cancellationToken = default)
    {
        var chunks = new SortedDictionary<int, ChunkRow>();
        await foreach (var chunk in storage.Chunks.QueryAsync<ChunkRow>(c => c.PartitionKey == ChunkRow.Partition(beamtime, series),
                           cancellationToken: cancellationToken))
            if (int.TryParse(chunk.RowKey, System.Globalization.CultureInfo.InvariantCulture, out int index) && index >= 0 && index < expected)
                chunks[index] = chunk;
        return chunks;
    }

    /// <summary>The series' partial result, or null when it has none.</summary>
    public static async Task<PartialResultDocument?> ReadAsync(PipelineStorage storage, string beamtime, string series, CancellationToken cancellationToken = default)
    {
        string blob = DocumentBlob(beamtime, series);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                string? text = await BlobTransfer.DownloadTextOrNullAsync(storage.Results, blob, 64L << 20, cancellationToken);
                return text is null ? null : PartialResultJson.Deserialize(text, blob);
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 4)
            {
                // Replaced by a newer partial between reading its properties and its content: read the newer one.
            }
        }
    }

    /// <summary>Removes the series' partial result (its final result supersedes it).</summary>
    public static async Task RemoveAsync(PipelineStorage storage, string beamtime, string series, CancellationToken cancellationToken = default)
    {
        foreach (string blob in new[] { DocumentBlob(beamtime, series), G2Blob(beamtime, series) })
            await storage.Results.GetBlobClient(blob).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Takes the series' computing lease; false when another holder has it (and it is not stale).</summary>
    public static async Task<bool> TryLeaseAsync(PipelineStorage storage, string beamtime, string series, string holder, CancellationToken cancellationToken = default)
    {
        var blob = storage.Results.GetBlobClient(LeaseBlob(beamtime, series));
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await blob.UploadAsync(BinaryData.FromString(holder), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                try
                {
                    var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
                    if (DateTimeOffset.UtcNow - properties.LastModified < StaleLease) return false;
                    await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken: cancellationToken);
                }
                catch (RequestFailedException gone) when (gone.Status is 404 or 412)
                {
                    // Released or taken over meanwhile: try again.
                }
            }
        }
        return false;
    }

    public static Task ReleaseLeaseAsync(PipelineStorage storage, string beamtime, string series) =>
        storage.Results.GetBlobClient(LeaseBlob(beamtime, series)).DeleteIfExistsAsync();
}
