using System.Diagnostics;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// Live feedback: a series uploaded chunk by chunk has a partial result (g2 and speed of the chunks landed, marked
/// partial, outside the analysis folders) before its last chunk lands; the final result, once it lands, is exactly
/// the offline (non-live) analysis of the whole series, and the partial result is gone.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LiveFeedbackTests(AzuriteFixture azurite) : IDisposable
{
    private const string Bt = "livebt";
    private const string Series = "x0.00_t0060";
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_series_arriving_chunk_by_chunk_has_partial_results_and_then_exactly_the_non_live_final_result()
    {
        string folder = Path.Combine(_bed.Temp.File(Bt), SeriesManifest.XpcsFolder, Series);
        SyntheticSeriesWriter.Write(folder, Bt, Series, new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 512, FrameTimeS = 0.1, SpeedAPerS = 30, Tau0S = 5,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, MeanCountsPerPixelPerFrame = 0.5, Seed = 5,
        }, chunks: 4);
        await _bed.Storage.CreateIfNotExistsAsync();
        var interval = TimeSpan.FromSeconds(1);
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions() with { LiveFeedback = new LiveFeedbackOptions { MinInterval = interval } });
        var uploader = new BeamtimeUploader(_bed.Storage.Raw);
        string prefix = $"{Bt}/{SeriesManifest.XpcsFolder}/{Series}/";
        async Task LandAsync(string name)
        {
            await uploader.UploadFileAsync(Path.Combine(folder, name), prefix + name);
            await pipeline.Ingestor.IngestAsync(prefix + name);
        }

        await LandAsync(SeriesManifest.FileName);
        await LandAsync(SeriesManifest.ChunkFileName(0));
        await LandAsync(SeriesManifest.ChunkFileName(1));
        var first = await PartialCoveringAsync(2);
        Assert.True(first.Partial);
        Assert.Equal((256, 512, 2, 4), (first.FramesCovered, first.FramesTotal, first.ChunksCovered, first.ChunksExpected));
        Assert.Equal(Series, first.Fit.Series);
        Assert.True(first.Fit.Bins.Count > 0);
        Assert.True(await _bed.Storage.Results.GetBlobClient(LiveResults.G2Blob(Bt, Series)).ExistsAsync());
        // Never mistaken for a fit.json, and nothing in the analyses' folders yet.
        string text = (await _bed.Storage.Results.GetBlobClient(LiveResults.DocumentBlob(Bt, Series)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("cloudxpcs.partial-fit/1", Assert.Throws<DataContractException>(() => FitJson.Deserialize(text, "partial.json")).Message);
        Assert.Empty(await FaultRuns.AnalysesAsync(_bed.Storage, Bt));

        await LandAsync(SeriesManifest.ChunkFileName(2));
        var second = await PartialCoveringAsync(3);
        Assert.Equal(384, second.FramesCovered);
        Assert.True(second.ComputedUtc - first.ComputedUtc >= interval - TimeSpan.FromMilliseconds(50), "partial updates of one series closer than the interval");

        await LandAsync(SeriesManifest.ChunkFileName(3));
        var clock = Stopwatch.StartNew();
        AnalysisRow? analysis = null;
        while (analysis?.Status is not (SeriesStatus.Analysed or SeriesStatus.Failed))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the final analysis did not complete within 2 min of the last chunk");
            await Task.Delay(100);
            analysis = (await FaultRuns.AnalysesAsync(_bed.Storage, Bt)).SingleOrDefault();
        }
        Assert.Equal(SeriesStatus.Analysed, analysis.Status);
        Assert.Null(await LiveResults.ReadAsync(_bed.Storage, Bt, Series));
        Assert.False(await _bed.Storage.Results.GetBlobClient(LiveResults.G2Blob(Bt, Series)).ExistsAsync());

        // The final result is the non-live one: fit.json equal as text, g2.h5 equal byte for byte.
        string offline = _bed.Temp.File("offline");
        Assert.Equal(FaultRuns.OfflineFitJson(folder, offline),
            (await _bed.Storage.Results.GetBlobClient(analysis.ResultPrefix + ResultNames.FitFile).DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(offline, "g2.h5")),
            (await _bed.Storage.Results.GetBlobClient(analysis.ResultPrefix + ResultNames.G2File).DownloadContentAsync()).Value.Content.ToArray());
    }

    private async Task<PartialResultDocument> PartialCoveringAsync(int chunks)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await LiveResults.ReadAsync(_bed.Storage, Bt, Series) is { } document && document.ChunksCovered >= chunks) return document;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"no partial result covering {chunks} chunks within 1 min");
            await Task.Delay(100);
        }
    }
}
