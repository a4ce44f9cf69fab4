using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Science.Geometry;
using Xunit.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// A series kept as the detector wrote it (series.json "raw" naming its HDF5 files, "qmap_file" a masking tool's
/// q-map): incomplete until every named file has arrived, then analysed from exactly those files.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RawDetectorSeriesPipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_raw_series_waits_for_all_its_files_and_is_analysed_from_them_with_its_qmap_file()
    {
        string contract = _bed.Temp.File("contract");
        Directory.CreateDirectory(contract);
        var manifest = TestSeries.Manifest(frames: 40, chunks: 2, rows: 12, cols: 10) with { Beamtime = "rawbt", Series = "raw1", QMap = new QMapSpec(0.0, 0.0004, 2, 2, 2) };
        TestSeries.WriteFolder(contract, manifest, FrameDType.UInt16, ChunkStorageLayout.Chunked);
        SeriesCorrelation.CorrelateToFile(contract, Path.Combine(contract, "g2.h5"));
        string beamtime = _bed.Temp.File("rawbt");
        string series = Path.Combine(beamtime, "xpcs", "raw1");
        Directory.CreateDirectory(series);
        File.Copy(Path.Combine(contract, "chunk-00000.h5"), Path.Combine(series, "data_000001.h5"));
        File.Copy(Path.Combine(contract, "g2.h5"), Path.Combine(series, "qmap.h5"));
        (manifest with
        {
            Chunks = 0,
            Raw = new SeriesRawFiles(SeriesRawFiles.Hdf5, ["data_000001.h5", "data_000002.h5"], SeriesRawFiles.DefaultDataset),
            QMapFile = new SeriesQMapFile("qmap.h5"),
        }).Save(Path.Combine(series, SeriesManifest.FileName));

        await _bed.UploadAsync(beamtime, "rawbt");
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync();
        var waiting = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("rawbt", "raw1")).Value;
        Assert.Equal(SeriesStatus.Incomplete, waiting.Status);
        Assert.Equal("missing raw file data_000002.h5 named in series.json (rawbt/xpcs/raw1/)", waiting.Reason);

        File.Copy(Path.Combine(contract, "chunk-00001.h5"), Path.Combine(series, "data_000002.h5"));
        await _bed.UploadAsync(beamtime, "rawbt");
        await pipeline.Watcher.ScanOnceAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SeriesRow row;
        do
        {
            await Task.Delay(250);
            row = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("rawbt", "raw1")).Value;
        } while (row.Status is not (SeriesStatus.Analysed or SeriesStatus.Failed) && clock.Elapsed < TimeSpan.FromSeconds(90));
        output.WriteLine($"raw series analysed in {clock.Elapsed.TotalSeconds:0.0} s: {row.Status} {row.Reason}");
        Assert.Equal(SeriesStatus.Analysed, row.Status);

        var blobs = await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, "rawbt/analyses/raw1/");
        Assert.Contains(blobs.Keys, k => k.EndsWith("/g2.h5", StringComparison.Ordinal));
        Assert.Contains(blobs.Keys, k => k.EndsWith("/fit.json", StringComparison.Ordinal));
        string inputs = (await _bed.Storage.Results.GetBlobClient(blobs.Keys.Single(k => k.EndsWith(".inputs.json", StringComparison.Ordinal))).DownloadContentAsync()).Value.Content.ToString();
        foreach (var file in new[] { "data_000001.h5", "data_000002.h5", "qmap.h5" }) Assert.Contains($"xpcs/raw1/{file}", inputs);
    }
}
