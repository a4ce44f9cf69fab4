using System.Text.Json.Nodes;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// Two-time as an option of a run: fanned out over bin groups beside the multi-tau correlation, merged into g2.h5
/// /xpcs/twotime and fit.json age_resolved_speed exactly as <c>analyze-series --twotime</c> writes them offline.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TwoTimePipelineTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_run_with_two_time_in_two_bin_groups_writes_the_maps_and_age_resolved_speed_of_the_offline_analysis()
    {
        var beamtime = SyntheticBeamtimeWriter.Write(_bed.Temp.File("ttbt"), new SyntheticBeamtimeSpec
        {
            Beamtime = "ttbt", Frames = 256, DetectorBinning = 8, SeriesTimesMin = [300], XamTimesMin = [0, 314], Seed = 5, TransportSets = ["RS"],
        });
        var qmap = new QMapOverride(0.0029, 0.0192, 3, 2, 2);
        var twoTime = new TwoTimeParameters { AverageFrames = 2, AgeWindows = 2, BinGroups = 2 };
        await _bed.UploadAsync(beamtime.Folder, "ttbt");
        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string instance = await pipeline.StartRunAsync("ttbt", "tt1", new RunParameters { Infer = false, QMap = qmap, TwoTime = twoTime });
        var state = await pipeline.WaitAsync(instance);
        output.WriteLine($"run with two-time (5 series 64x64 px x 256 frames, 6 bins in 2 groups): {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal((5, 0), (outcome.SeriesAnalysed, outcome.SeriesFailed));
        Assert.Empty(outcome.StepFailures);

        string run = ResultNames.RunPrefix("ttbt", "tt1");
        foreach (var series in beamtime.Series.Take(2))
        {
            string offline = _bed.Temp.File("offline-" + series.Series);
            SeriesAnalysis.AnalyzeToFolder(Path.Combine(beamtime.Folder, "xpcs", series.Series), offline, new SeriesAnalysisOptions
            {
                Correlation = new SeriesCorrelationOptions { QMap = qmap.ToSpec(), TwoTime = twoTime.ToOptions() },
                AgeWindows = twoTime.AgeWindows,
            });
            string g2 = _bed.Temp.File($"run-{series.Series}-g2.h5");
            await _bed.Storage.Results.GetBlobClient($"{run}xpcs/{series.Series}/g2.h5").DownloadToAsync(g2);
            var expected = G2TwoTimeFile.Read(Path.Combine(offline, SeriesAnalysis.G2FileName))!;
            var actual = G2TwoTimeFile.Read(g2);
            Assert.NotNull(actual);
            Assert.Equal(6, expected.ProcessedColumns.Length);
            Assert.Equal(expected.ProcessedColumns, actual.ProcessedColumns);
            Assert.Equal((expected.Frames, expected.AverageFrames, expected.StrideFrames), (actual.Frames, actual.AverageFrames, actual.StrideFrames));
            Assert.Equal(expected.G2, actual.G2);
            Assert.Equal(expected.G2Segments, actual.G2Segments);
            for (int k = 0; k < expected.ProcessedColumns.Length; k++)
                Assert.Equal(G2TwoTimeFile.ReadMap(Path.Combine(offline, SeriesAnalysis.G2FileName), k), G2TwoTimeFile.ReadMap(g2, k));

            var runFit = JsonNode.Parse((await _bed.Storage.Results.GetBlobClient($"{run}xpcs/{series.Series}/fit.json").DownloadContentAsync()).Value.Content.ToString())!;
            var offlineFit = JsonNode.Parse(File.ReadAllText(Path.Combine(offline, SeriesAnalysis.FitFileName)))!;
            Assert.Equal(2, offlineFit["age_resolved_speed"]!.AsArray().Count);
            Assert.Equal(offlineFit["age_resolved_speed"]!.ToJsonString(), runFit["age_resolved_speed"]!.ToJsonString());
        }
        // The run's report draws the two-time section from its g2.h5 files.
        var report = await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, run + "report/");
        Assert.Equal(5, report.Keys.Count(k => k.Contains("/twotime-", StringComparison.Ordinal) && k.EndsWith(".png", StringComparison.Ordinal)));
        // The bin groups' maps stay beside the analysis (merged, not replaced); the analysis id differs from one without two-time.
        var blobs = await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, $"ttbt/analyses/{beamtime.Series[0].Series}/");
        Assert.Equal(2, blobs.Keys.Count(k => k.Contains("/twotime/", StringComparison.Ordinal)));
    }
}
