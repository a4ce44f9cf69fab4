using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Functions.Configuration;
using CloudXpcs.Functions.Functions;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;

namespace CloudXpcs.Functions.Tests;

/// <summary>With CLOUDXPCS_LIVE_INTERVAL_S set, the app's ingest asks for a partial result of a series whose chunks are still arriving.</summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class LiveFeedbackIngestTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_chunk_of_an_incomplete_series_starts_one_live_orchestration_per_number_of_chunks_landed()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        var live = new LiveFeedbackSetting(LiveFeedbackOptions.FromSetting("3", absent: null));
        var function = new IngestRawBlobFunction(app.Storage, app.Loggers, live);
        string folder = "bt1/xpcs/x0.10_t0060/";
        await app.UploadRawAsync(folder + "series.json", (TestSeries.Manifest(frames: 12, chunks: 3) with { Beamtime = "bt1", Series = "x0.10_t0060" }).ToJson());
        await app.UploadRawBytesAsync(folder + "chunk-00000.h5", [1, 2, 3]);
        Task<IngestOutcome> Event(string name) => function.RunAsync(app.Storage.Raw.GetBlobClient(name), app.Client, CancellationToken.None);

        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "series.json"));
        Assert.Empty(app.Client.ScheduledOrchestrations);   // no chunk yet
        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "chunk-00000.h5"));
        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "chunk-00000.h5"));   // a repeated event asks once
        var scheduled = Assert.Single(app.Client.ScheduledOrchestrations);
        Assert.Equal(nameof(LiveSeriesOrchestrator), scheduled.Name);
        var request = Assert.IsType<LiveSeriesRequest>(scheduled.Input);
        Assert.Equal(("bt1", "x0.10_t0060", 1, 3.0), (request.Beamtime, request.Series, request.ChunksLanded, request.MinIntervalS));

        await app.UploadRawBytesAsync(folder + "chunk-00001.h5", [4, 5, 6]);
        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "chunk-00001.h5"));
        Assert.Equal(2, app.Client.ScheduledOrchestrations.Count(s => s.Name == nameof(LiveSeriesOrchestrator)));
        await app.UploadRawBytesAsync(folder + "chunk-00002.h5", [7, 8, 9]);
        Assert.Equal(IngestOutcome.AnalysisStarted, await Event(folder + "chunk-00002.h5"));
        Assert.Equal(2, app.Client.ScheduledOrchestrations.Count(s => s.Name == nameof(LiveSeriesOrchestrator)));
        Assert.Throws<ArgumentException>(() => LiveFeedbackOptions.FromSetting("-1", absent: null));
        Assert.Null(LiveFeedbackOptions.FromSetting("0", absent: new LiveFeedbackOptions()));
    }
}
