using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class IngestTests(AzuriteFixture azurite) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Duplicate_and_out_of_order_events_start_one_analysis_and_changed_content_starts_another()
    {
        var beamtime = _bed.WriteBeamtime(frames: 64, timesMin: [60]);
        string series = beamtime.Series[0].Series;
        await _bed.UploadAsync(Path.Combine(beamtime.Folder), "bt");
        var scheduler = new RecordingScheduler();
        var ingestor = new RawBlobIngestor(_bed.Storage, scheduler, NullLogger<RawBlobIngestor>.Instance);
        string folder = $"bt/xpcs/{series}/";
        string[] chunks = [folder + "chunk-00001.h5", folder + "chunk-00000.h5"];

        // Chunks before the manifest, every event twice, and concurrently.
        Assert.Equal(IngestOutcome.Recorded, await ingestor.IngestAsync(chunks[0]));
        Assert.False((await _bed.Storage.Series.GetEntityIfExistsAsync<SeriesRow>("bt", series)).HasValue);
        await Task.WhenAll(new[] { chunks[0], chunks[1], folder + "series.json", chunks[1], folder + "series.json" }.Select(n => ingestor.IngestAsync(n)));
        Assert.Single(scheduler.Scheduled);
        foreach (string name in chunks.Append(folder + "series.json")) Assert.Equal(IngestOutcome.AlreadyAnalysed, await ingestor.IngestAsync(name));
        Assert.Single(scheduler.Scheduled);
        var first = scheduler.Scheduled.Single();
        Assert.Equal(ResultNames.SeriesOrchestrationId("bt", series, first.Request.AnalysisId), first.InstanceId);
        var row = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", series)).Value;
        Assert.Equal((SeriesStatus.Queued, first.Request.AnalysisId), (row.Status, row.AnalysisId));
        // The table column keeps its name and spelling ("Status": "queued"), whatever the enum's C# name.
        var stored = (await _bed.Storage.Series.GetEntityAsync<Azure.Data.Tables.TableEntity>("bt", series)).Value;
        Assert.Equal(("queued", false), (stored.GetString("Status"), stored.ContainsKey("StatusName")));

        // The same bytes uploaded again: same analysis, nothing new.
        string local = Path.Combine(beamtime.Folder, "xpcs", series, "chunk-00000.h5");
        await _bed.Storage.Raw.GetBlobClient(chunks[1]).UploadAsync(local, overwrite: true);
        await _bed.Storage.Raw.GetBlobClient(chunks[1]).SetHttpHeadersAsync(new Azure.Storage.Blobs.Models.BlobHttpHeaders
        {
            ContentHash = System.Security.Cryptography.MD5.HashData(File.ReadAllBytes(local)),
        });
        Assert.Equal(IngestOutcome.AlreadyAnalysed, await ingestor.IngestAsync(chunks[1]));
        Assert.Single(scheduler.Scheduled);

        // Changed content: a new analysis id and a new orchestration.
        var other = _bed.WriteBeamtime("other", frames: 64, timesMin: [60], seed: 99);
        await new Transfer.BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(Path.Combine(other.Folder, "xpcs", series, "chunk-00000.h5"), chunks[1], Transfer.RawUploadMode.NewVersion);
        Assert.Equal(IngestOutcome.AnalysisStarted, await ingestor.IngestAsync(chunks[1]));
        Assert.Equal(2, scheduler.Scheduled.Count);
        Assert.Equal(2, scheduler.Scheduled.Select(s => s.Request.AnalysisId).Distinct().Count());
    }

    [Fact]
    public async Task A_missing_chunk_keeps_the_series_incomplete_and_names_the_missing_index()
    {
        var beamtime = _bed.WriteBeamtime(frames: 64, timesMin: [60]);
        string series = beamtime.Series[0].Series;
        File.Delete(Path.Combine(beamtime.Folder, "xpcs", series, "chunk-00001.h5"));
        await _bed.UploadAsync(beamtime.Folder, "bt");
        var scheduler = new RecordingScheduler();
        var ingestor = new RawBlobIngestor(_bed.Storage, scheduler, NullLogger<RawBlobIngestor>.Instance);
        foreach (string name in new[] { "series.json", "chunk-00000.h5" }) await ingestor.IngestAsync($"bt/xpcs/{series}/{name}");
        Assert.Empty(scheduler.Scheduled);
        var row = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", series)).Value;
        Assert.Equal(SeriesStatus.Incomplete, row.Status);
        Assert.Contains("missing chunk 1 of 2", row.Reason);
    }

    [Theory]
    [InlineData("../raw/x.h5")]
    [InlineData("/etc/passwd")]
    [InlineData("bt/xpcs/s1/../../x")]
    [InlineData("bt/xpcs/s\u0001/series.json")]
    [InlineData("bt\\xpcs\\s1\\series.json")]
    [InlineData("bt//series.json")]
    public async Task Hostile_blob_names_are_rejected_with_a_row_naming_the_problem(string name)
    {
        await _bed.Storage.CreateIfNotExistsAsync();
        var scheduler = new RecordingScheduler();
        var ingestor = new RawBlobIngestor(_bed.Storage, scheduler, NullLogger<RawBlobIngestor>.Instance);
        Assert.Equal(IngestOutcome.Rejected, await ingestor.IngestAsync(name));
        var rows = _bed.Storage.Rejections.Query<RejectionRow>().ToList();
        Assert.Single(rows);
        Assert.False(string.IsNullOrEmpty(rows[0].Problem));
        Assert.DoesNotContain(rows[0].BlobName, c => char.IsControl(c));
        Assert.Empty(scheduler.Scheduled);
    }
}
