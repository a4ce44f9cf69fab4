using Azure;
using Azure.Data.Tables;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Ingest;

/// <summary>A blob of a series as a listing of the raw container shows it (the version the listing saw).</summary>
public sealed record ListedSeriesBlob(RawBlobName Name, ETag ETag, byte[]? ContentMd5, DateTimeOffset LastModified, long Bytes);

public sealed partial class RawBlobIngestor
{
    /// <summary>Chunk rows per table transaction (the service's limit is 100 operations).</summary>
    private const int ChunkRowsPerTransaction = 100;

    /// <summary>
    /// The blob-created events of several blobs of one series handled at once (a watcher's scan): the same rows as
    /// <see cref="IngestAsync"/> of each blob, written with fewer round trips (the listing's blob properties, the chunk
    /// rows in table transactions, the series row's upload time once), and the series evaluated once at the end.
    /// </summary>
    public async Task<IngestOutcome> IngestSeriesAsync(IReadOnlyList<ListedSeriesBlob> blobs, CancellationToken cancellationToken = default)
    {
        if (blobs.Count == 0) throw new ArgumentException("no blobs", nameof(blobs));
        var (beamtime, series) = (blobs[0].Name.Beamtime, blobs[0].Name.Series!);
        if (blobs.Any(b => b.Name.Beamtime != beamtime || b.Name.Series != series || b.Name.Kind is not (RawBlobKind.SeriesManifest or RawBlobKind.Chunk or RawBlobKind.SeriesFile)))
            throw new ArgumentException($"not all blobs belong to series {beamtime}/{series}", nameof(blobs));

        foreach (var manifest in blobs.Where(b => b.Name.Kind == RawBlobKind.SeriesManifest))
            await RecordManifestAsync(manifest.Name, manifest.ETag, manifest.LastModified, AnalysisIdentity.ContentHash(manifest.ContentMd5, manifest.ETag),
                cancellationToken);

        var chunks = blobs.Where(b => b.Name.Kind == RawBlobKind.Chunk).ToList();
        foreach (var batch in chunks.Chunk(ChunkRowsPerTransaction))
            await storage.Chunks.SubmitTransactionAsync(batch.Select(b => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new ChunkRow
            {
                PartitionKey = ChunkRow.Partition(beamtime, series),
                RowKey = ChunkRow.Row(b.Name.ChunkIndex!.Value),
                BlobName = b.Name.Name,
                ContentMd5 = AnalysisIdentity.ContentHash(b.ContentMd5, b.ETag),
                BlobETag = b.ETag.ToString(),
                Bytes = b.Bytes,
            })), cancellationToken);
        if (chunks.Count > 0)
        {
            var lastUpload = chunks.Max(b => b.LastModified);
            await SeriesRows.UpdateAsync(storage, beamtime, series, row =>
            {
                if (row.LastUploadUtc is { } last && last >= lastUpload) return false;
                row.LastUploadUtc = lastUpload;
                return true;
            }, cancellationToken);
        }
        return await EvaluateSeriesAsync(beamtime, series, cancellationToken);
    }
}
