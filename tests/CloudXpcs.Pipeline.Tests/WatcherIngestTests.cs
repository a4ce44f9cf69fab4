using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>The watcher's scan, which hands each series' blobs over together, records exactly what one event per blob records.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WatcherIngestTests(AzuriteFixture azurite) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_scan_records_the_same_rows_and_starts_the_same_analyses_as_one_event_per_blob()
    {
        var beamtime = _bed.WriteBeamtime(frames: 64, timesMin: [60]);
        await _bed.UploadAsync(beamtime.Folder, "bt");
        // The same raw blobs, recorded into two sets of tables.
        var byEvent = _bed.Storage;
        var byScan = new PipelineStorage(_bed.Options with { ResultsContainer = _bed.Options.ResultsContainer + "s", NamePrefix = _bed.Options.NamePrefix + "s" });
        await byScan.CreateIfNotExistsAsync();
        var eventScheduler = new RecordingScheduler();
        var eventIngestor = new RawBlobIngestor(byEvent, eventScheduler, NullLogger<RawBlobIngestor>.Instance);
        var names = new List<string>();
        await foreach (var blob in byEvent.Raw.GetBlobsAsync()) names.Add(blob.Name);
        foreach (string name in names) await eventIngestor.IngestAsync(name);

        var scanScheduler = new RecordingScheduler();
        var watcher = new RawBlobWatcher(byScan, new RawBlobIngestor(byScan, scanScheduler, NullLogger<RawBlobIngestor>.Instance));
        Assert.Equal(names.Count, await watcher.ScanOnceAsync());
        Assert.Equal(0, await watcher.ScanOnceAsync());

        Assert.Equal(beamtime.Series.Count, eventScheduler.Scheduled.Count);
        Assert.Equal(eventScheduler.Scheduled.Select(s => s.InstanceId).Order(), scanScheduler.Scheduled.Select(s => s.InstanceId).Order());
        Assert.Equal(await ChunkRowsAsync(byEvent), await ChunkRowsAsync(byScan));
        Assert.Equal(await SeriesRowsAsync(byEvent), await SeriesRowsAsync(byScan));
    }

    private static async Task<List<string>> ChunkRowsAsync(PipelineStorage storage)
    {
        var rows = new List<string>();
        await foreach (var row in storage.Chunks.QueryAsync<ChunkRow>())
            rows.Add($"{row.PartitionKey}/{row.RowKey}|{row.ContentMd5}|{row.BlobETag}|{row.Bytes}|{row.BlobName}");
        return rows.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> SeriesRowsAsync(PipelineStorage storage)
    {
        var rows = new List<string>();
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>())
            rows.Add($"{row.RowKey}|{row.Status}|{row.AnalysisId}|{row.ManifestETag}|{row.ManifestMd5}|{row.ChunksExpected}|{row.LastUploadUtc:O}|{row.Reason}");
        return rows.Order(StringComparer.Ordinal).ToList();
    }
}
