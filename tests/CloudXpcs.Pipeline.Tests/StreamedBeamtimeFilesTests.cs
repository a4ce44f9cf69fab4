using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// A streaming upload: the series arrive and are analysed before echem.csv (the current, which the fit turns into the
/// Li-interface velocity). The run that follows must not publish those fits: its fit.json files equal the offline
/// analysis of the complete folder, fitted again with the beamtime files the run planned.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StreamedBeamtimeFilesTests(AzuriteFixture azurite) : IDisposable
{
    private const string Bt = "streamed";
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Series_analysed_before_echem_csv_arrived_are_fitted_again_for_the_run_with_the_planned_files()
    {
        var beamtime = _bed.WriteBeamtime(Bt, frames: 128, timesMin: [60]);   // 128: resolvable speeds, so the current matters
        string echem = Path.Combine(beamtime.Folder, "echem.csv");
        string echemLater = _bed.Temp.File("echem-later.csv");
        File.Move(echem, echemLater);
        await _bed.UploadAsync(beamtime.Folder, Bt);

        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync(Bt + "/");
        var clock = Stopwatch.StartNew();
        while ((await FaultRuns.AnalysesAsync(_bed.Storage, Bt)).Count(a => a.Status == SeriesStatus.Analysed) < beamtime.Series.Count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the ingest did not analyse every series within 3 min");
            await Task.Delay(200);
        }
        File.Move(echemLater, echem);
        await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(echem, Bt + "/echem.csv");

        string instance = await pipeline.StartRunAsync(Bt, "r1", FaultRuns.Parameters with { TransportSets = ["RS"] });
        var state = await pipeline.WaitAsync(instance);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(RunStatus.Completed, (await _bed.Storage.Runs.GetEntityAsync<RunRow>(Bt, "r1")).Value.Status);

        int refitted = 0;
        foreach (var analysis in await FaultRuns.AnalysesAsync(_bed.Storage, Bt))
        {
            string series = analysis.Series;
            string offline = FaultRuns.OfflineFitJson(Path.Combine(beamtime.Folder, "xpcs", series), _bed.Temp.File("offline-" + series));
            string published = await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "r1", ResultNames.SeriesFolder(series) + ResultNames.FitFile);
            string analysed = (await _bed.Storage.Results.GetBlobClient(analysis.ResultPrefix + ResultNames.FitFile).DownloadContentAsync()).Value.Content.ToString();
            Assert.Equal(offline, published);
            if (analysed != published) refitted++;
            Assert.Contains("echem.csv@absent", await SeriesFitInputs.ReadAsync(_bed.Storage, analysis.ResultPrefix) ?? []);
        }
        // The ingest's fits, made without echem.csv, differ (their interface velocity) and were not published.
        Assert.True(refitted > 0, "no series' fit depends on echem.csv: the test shows nothing");
    }
}
