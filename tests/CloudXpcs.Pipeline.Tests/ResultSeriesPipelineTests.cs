using System.Text.Json;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// A beamtime whose series.json files name result files in place of raw chunks (DATA_CONTRACT 1.1): uploaded with the
/// beamtime, complete when the result file is there, analysed without correlation, recorded as such in run.json.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ResultSeriesPipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    private async Task<string> ResultText(string blob) => (await _bed.Storage.Results.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToString();

    [SkippableFact]
    public async Task Result_files_listed_in_place_of_raw_series_are_fitted_without_correlation_and_match_the_raw_fit()
    {
        string real = ApsResultFiles.PathOf(ApsResultFiles.Sample);
        var (beamtime, fastest) = ResultSeriesFolders.SmallBeamtime(_bed.Temp.File("given"));
        string given = fastest.Series + "-given";
        // The g2.h5 'cloudxpcs correlate' writes for the fastest series, given as a series of its own.
        string givenFolder = ResultSeriesFolders.WriteSeriesJson(beamtime.Folder, given, "g2.h5", fastest.PositionMm, fastest.TimeMin);
        SeriesCorrelation.CorrelateToFile(Path.Combine(beamtime.Folder, "xpcs", fastest.Series), Path.Combine(givenFolder, "g2.h5"));
        // A beamline result file, whose series.json arrives before it.
        string apsFolder = ResultSeriesFolders.WriteSeriesJson(beamtime.Folder, "aps-sample", "result.hdf", -0.5, 120.0);

        await _bed.UploadAsync(beamtime.Folder, "given");
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync();
        var waiting = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("given", "aps-sample")).Value;
        Assert.Equal(SeriesStatus.Incomplete, waiting.Status);
        Assert.Equal("the result file given/xpcs/aps-sample/result.hdf named in series.json has not arrived", waiting.Reason);

        File.Copy(real, Path.Combine(apsFolder, "result.hdf"));
        var upload = await _bed.UploadAsync(beamtime.Folder, "given");
        Assert.Equal(["given/xpcs/aps-sample/result.hdf"], upload.UploadedNames);
        await pipeline.Watcher.ScanOnceAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string instance = await pipeline.StartRunAsync("given", "run1", new RunParameters { Infer = false });
        var state = await pipeline.WaitAsync(instance);
        output.WriteLine($"run1 (5 raw series 64x64 px x 256 frames, 2 result series): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal((7, 0), (outcome.SeriesAnalysed, outcome.SeriesFailed));
        Assert.Empty(outcome.StepFailures);

        // The given g2.h5 is the run's g2.h5 as uploaded (not correlated again), and its fit equals the raw series' fit.
        string run = ResultNames.RunPrefix("given", "run1");
        string g2Copy = _bed.Temp.File("given-g2.h5");
        await _bed.Storage.Results.GetBlobClient($"{run}xpcs/{given}/g2.h5").DownloadToAsync(g2Copy);
        Assert.Equal(File.ReadAllBytes(Path.Combine(givenFolder, "g2.h5")), File.ReadAllBytes(g2Copy));
        string rawFit = await ResultText($"{run}xpcs/{fastest.Series}/fit.json");
        string givenFit = await ResultText($"{run}xpcs/{given}/fit.json");
        Assert.True(FitJson.Deserialize(rawFit, "raw fit.json").Velocity.Resolvable, "the fastest series of the beamtime flows visibly");
        Assert.Equal(ResultSeriesFolders.FitNumbers(rawFit), ResultSeriesFolders.FitNumbers(givenFit));

        // The beamline result: fitted from its qmap, not resolvable (the sample does not flow), at the position and time of series.json.
        var aps = FitJson.Deserialize(await ResultText($"{run}xpcs/aps-sample/fit.json"), "aps fit.json");
        Assert.Equal(("aps-sample", -0.5, 120.0, "result.hdf"), (aps.Series, aps.PositionMm, aps.PolarizationTimeMin, aps.G2Source));
        Assert.False(aps.Velocity.Resolvable);
        Assert.Equal(27, aps.Relaxation!.Count);

        // run.json says which series came from a result file (correlation skipped).
        using var runJson = JsonDocument.Parse(await ResultText(run + "run.json"));
        var resultFiles = runJson.RootElement.GetProperty("series").EnumerateArray()
            .ToDictionary(s => s.GetProperty("series").GetString()!, s => s.GetProperty("result_file").GetString());
        Assert.Equal($"xpcs/{given}/g2.h5", resultFiles[given]);
        Assert.Equal("xpcs/aps-sample/result.hdf", resultFiles["aps-sample"]);
        Assert.All(beamtime.Series, s => Assert.Null(resultFiles[s.Series]));
        // No correlation ran for them: their analyses hold the uploaded g2 and the fit only.
        var analysisBlobs = await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, $"given/analyses/{given}/");
        // Beside them only the record of the blob versions the analysis read (captured at claim), which names the result file.
        var captured = Assert.Single(analysisBlobs.Keys, k => k.EndsWith(".inputs.json", StringComparison.Ordinal));
        Assert.Contains($"xpcs/{given}/g2.h5", await ResultText(captured));
        // And the record of the beamtime-level files its fit read (beamtime.json, echem.csv, measured/profiles.csv).
        var fitInputs = Assert.Single(analysisBlobs.Keys, k => k.EndsWith(".fit-inputs.json", StringComparison.Ordinal));
        Assert.Contains("beamtime.json@", await ResultText(fitInputs));
        Assert.Equal(["fit.json", "g2.h5"], analysisBlobs.Keys.Where(k => k != captured && k != fitInputs).Select(k => k.Split('/')[^1]).Order());
    }
}
