using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Functions.Functions;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

[Collection(FunctionsAzuriteCollection.Name)]
public sealed class IngestRawBlobFunctionTests(AzuriteFixture azurite)
{
    private const string Beamtime = "bt1";
    private const string Series = "x0.10_t0060";

    [Fact]
    public async Task CompleteSeriesStartsExactlyOneAnalysisAndDuplicateEventsStartNothing()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        var function = new IngestRawBlobFunction(app.Storage, app.Loggers);
        string folder = $"{Beamtime}/xpcs/{Series}/";
        var manifest = TestSeries.Manifest(frames: 10, chunks: 2) with { Beamtime = Beamtime, Series = Series };
        await app.UploadRawAsync(folder + "series.json", manifest.ToJson());
        await app.UploadRawBytesAsync(folder + "chunk-00000.h5", [1, 2, 3]);
        await app.UploadRawBytesAsync(folder + "chunk-00001.h5", [4, 5, 6]);

        Task<IngestOutcome> Event(string name) => function.RunAsync(app.Storage.Raw.GetBlobClient(name), app.Client, CancellationToken.None);

        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "series.json"));
        Assert.Equal(IngestOutcome.Recorded, await Event(folder + "chunk-00000.h5"));
        Assert.Empty(app.Client.ScheduledOrchestrations);
        Assert.Equal(IngestOutcome.AnalysisStarted, await Event(folder + "chunk-00001.h5"));

        var scheduled = Assert.Single(app.Client.ScheduledOrchestrations);
        Assert.Equal(nameof(SeriesOrchestrator), scheduled.Name);
        var request = Assert.IsType<SeriesAnalysisRequest>(scheduled.Input);
        Assert.Equal((Beamtime, Series, 1), (request.Beamtime, request.Series, request.Shards));
        Assert.Null(request.QMap);
        Assert.Equal(ResultNames.SeriesOrchestrationId(Beamtime, Series, request.AnalysisId), scheduled.InstanceId);
        var row = (await app.Storage.Series.GetEntityAsync<SeriesRow>(Beamtime, Series)).Value;
        Assert.Equal((SeriesStatus.Queued, request.AnalysisId, scheduled.InstanceId), (row.Status, row.AnalysisId, row.InstanceId));

        // Event Grid delivers at least once and in any order: repeats change nothing.
        Assert.Equal(IngestOutcome.AlreadyAnalysed, await Event(folder + "chunk-00001.h5"));
        Assert.Equal(IngestOutcome.AlreadyAnalysed, await Event(folder + "chunk-00000.h5"));
        Assert.Equal(IngestOutcome.AlreadyAnalysed, await Event(folder + "series.json"));
        Assert.Single(app.Client.ScheduledOrchestrations);
        app.AssertNoSecretsLogged();
    }

    [Fact]
    public async Task BlobsOutsideSeriesAreRecordedWithoutStartingAnythingAndVanishedBlobsAreGone()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        var function = new IngestRawBlobFunction(app.Storage, app.Loggers);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        Assert.Equal(IngestOutcome.Recorded, await function.RunAsync(app.Storage.Raw.GetBlobClient($"{Beamtime}/beamtime.json"), app.Client, default));
        Assert.Equal(IngestOutcome.Gone,
            await function.RunAsync(app.Storage.Raw.GetBlobClient($"{Beamtime}/xpcs/{Series}/chunk-00000.h5"), app.Client, default));
        Assert.Empty(app.Client.ScheduledOrchestrations);
        app.AssertNoSecretsLogged();
    }
}
