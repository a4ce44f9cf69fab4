using System.Text.Json;
using Azure;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// One beamtime with good series and a corpus of broken series, files and blob names: the run completes, the good series
/// are analysed exactly as offline, and every broken input leaves a record naming the blob and the problem.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BadInputCorpusTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    private static readonly (string Name, string Problem)[] HostileNames =
    [
        ("bt/xpcs/../../evil.h5", "contains '.' or '..' segments"),
        ("/bt/xpcs/s1/series.json", "absolute path"),
        ("C:/bt/xpcs/s1/series.json", "absolute path"),
        ("bt\\xpcs\\s1\\series.json", "backslash"),
        ("bt//xpcs/s1/series.json", "empty path segment"),
        ("bt/xpcs/evil\u0001/series.json", "control characters"),
        ("bt/xpcs/evil\u202e/series.json", "the segment 'evil\\u202e' has characters outside"),
        ("bt/xpcs/" + new string('a', 600) + "/series.json", "the name has 620 characters, more than 512"),
        ("bt/xpcs/" + new string('b', 200) + "/series.json", "more than 128 characters"),
    ];

    [Fact]
    public async Task Every_broken_input_fails_alone_with_a_record_naming_the_blob_and_the_problem()
    {
        // 128 frames: at 64 the no-flow test leaves these series unresolvable, and this test compares speeds.
        var beamtime = _bed.WriteBeamtime(frames: 128, timesMin: [60]);
        var good = beamtime.Series.Select(s => s.Series).ToList();
        var corpus = new BadInputCorpus(beamtime.Folder, "bt", good[0]).WriteAll();
        string xamScan = Directory.GetFiles(Path.Combine(beamtime.Folder, "xam"), "*.csv").Order(StringComparer.Ordinal).First();
        string xamBlob = "bt/xam/" + Path.GetFileName(xamScan);
        string intactScan = File.ReadAllText(xamScan);
        BadInputCorpus.BreakXamCsv(xamScan, dropColumn: true);
        var cases = corpus.Cases.ToList();
        await _bed.UploadAsync(beamtime.Folder, "bt");

        // Hostile names: those the storage emulator accepts are uploaded (the watcher finds them), all are also delivered as events.
        var storedHostile = new List<string>();
        foreach (string name in HostileNames.Select(h => h.Name).Where(n => !n.Contains("..") && !n.StartsWith('/') && !n.Contains('\\')))
        {
            try
            {
                await _bed.Storage.Raw.GetBlobClient(name).UploadAsync(BinaryData.FromString("{}"), overwrite: true);
            }
            catch (RequestFailedException e)
            {
                output.WriteLine($"storage refused '{RawBlobName.Printable(name)}': {e.Status} {e.ErrorCode}");
                continue;
            }
            try
            {
                await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw);
                storedHostile.Add(name);
            }
            catch (Exception e) when (e is RequestFailedException or System.Xml.XmlException)
            {
                // Azurite stores the name but writes it unencoded into the listing XML, which then cannot be parsed
                // (Azure encodes such names); the blob is removed so that the container stays listable.
                output.WriteLine($"Azurite stored '{RawBlobName.Printable(name)}' but cannot list it ({e.GetType().Name}); delivered as an event only");
                await _bed.Storage.Raw.GetBlobClient(name).DeleteAsync();
            }
        }
        var rawBefore = await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw);
        output.WriteLine($"hostile names stored by Azurite: {storedHostile.Count} of {HostileNames.Length}; raw blobs: {rawBefore.Count}");

        await using var pipeline = await LocalPipeline.StartAsync(_bed.PipelineOptions());
        await pipeline.Watcher.ScanOnceAsync();
        foreach (var (name, _) in HostileNames) await pipeline.Ingestor.IngestAsync(name);
        cases.AddRange(HostileNames.Select(h => new BadCase("blob name", RawBlobName.Printable(h.Name), BadCaseRecord.Rejection, h.Name, h.Problem)));
        cases.Add(new BadCase("XAM CSV", "scan without the 'it' column", BadCaseRecord.StepFailure, xamBlob, "XAM profiles", "missing column it"));

        var run1 = await RunAsync(pipeline, "run1", new RunParameters { Infer = false });
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run1.State.RuntimeStatus);
        var runRow = (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", "run1")).Value;
        Assert.Equal(RunStatus.Failed, runRow.Status); // the XAM step failed; everything else went on
        Assert.Contains(xamBlob[3..], runRow.Reason);

        // Every good series analysed, with the speed of the offline analysis of the same folder.
        foreach (string series in good)
        {
            var entry = run1.Series[series];
            Assert.Equal(SeriesStatus.Analysed.Name(), entry.GetProperty("status").GetString());
            double speed = entry.GetProperty("speed_A_per_s").GetDouble();
            Assert.Equal(OfflineSpeed(Path.Combine(beamtime.Folder, "xpcs", series)), speed, 1e-9 * Math.Abs(speed) + 1e-15);
            Assert.Contains(run1.Results, r => r.EndsWith($"xpcs/{series}/fit.json", StringComparison.Ordinal));
        }

        var rejections = _bed.Storage.Rejections.Query<RejectionRow>().ToList();
        foreach (var badCase in cases)
        {
            string record = badCase.Record switch
            {
                BadCaseRecord.Rejection => rejections.SingleOrDefault(r => r.BlobName == RawBlobName.Printable(badCase.Blob)) is { } row
                    ? $"{row.BlobName}: {row.Problem}" : "(no rejection row)",
                BadCaseRecord.StepFailure => string.Join(" | ", run1.StepFailures),
                _ => await SeriesRecordAsync(run1, badCase),
            };
            output.WriteLine($"[{badCase.Category}] {badCase.Name}: {Shorten(record)}");
            string named = badCase.Record switch
            {
                BadCaseRecord.Rejection => RawBlobName.Printable(badCase.Blob),
                BadCaseRecord.StepFailure => badCase.Blob[3..],
                _ => badCase.Blob,
            };
            Assert.True(record.Contains(named, StringComparison.Ordinal), $"{badCase.Name}: the record does not name {named}: {record}");
            foreach (string fragment in badCase.Expected)
                Assert.True(record.Contains(fragment, StringComparison.Ordinal), $"{badCase.Name}: the record lacks '{fragment}': {record}");
            if (badCase.Record is BadCaseRecord.FailedSeries or BadCaseRecord.IncompleteSeries)
                Assert.DoesNotContain(run1.Results, r => r.Contains($"/xpcs/{badCase.Series}/", StringComparison.Ordinal));
        }
        Assert.Equal(rawBefore, await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw));

        // Second run: the other XAM defect, and a tiny stale timeout: the series missing a chunk is reported stale.
        File.WriteAllText(xamScan, intactScan);
        BadInputCorpus.BreakXamCsv(xamScan, dropColumn: false);
        await new Transfer.BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(xamScan, xamBlob, Transfer.RawUploadMode.NewVersion);
        rawBefore = await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw);
        var run2 = await RunAsync(pipeline, "run2", new RunParameters { Infer = false, TransportSets = ["RS"], StaleAfterMinutes = 1e-4 });
        cases.Add(new BadCase("XAM CSV", "scan with a non-numeric cell", BadCaseRecord.StepFailure, xamBlob, "non-numeric cell 'abc'"));
        string xamFailure = string.Join(" | ", run2.StepFailures);
        output.WriteLine($"[XAM CSV] non-numeric cell: {xamFailure}");
        Assert.Contains(xamBlob[3..], xamFailure);
        Assert.Contains("non-numeric cell 'abc'", xamFailure);
        var stale = run2.Series["bad-missing-chunk"];
        Assert.Equal(SeriesStatus.Stale.Name(), stale.GetProperty("status").GetString());
        Assert.Contains("missing chunk 1 of 2", stale.GetProperty("reason").GetString());
        var staleRow = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", "bad-missing-chunk")).Value;
        Assert.Equal(SeriesStatus.Stale, staleRow.Status);
        Assert.Contains("missing chunk 1 of 2", staleRow.Reason);
        output.WriteLine($"[stale] bad-missing-chunk: {staleRow.Reason}");
        foreach (string series in good) Assert.Equal(SeriesStatus.Analysed.Name(), run2.Series[series].GetProperty("status").GetString());
        Assert.Equal(rawBefore, await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw));

        // Third run: an unknown transport set fails the run cleanly, with the reason on the run row.
        string instance = await pipeline.StartRunAsync("bt", "run3", new RunParameters { Infer = false, TransportSets = ["Unphysical"] });
        var state3 = await pipeline.WaitAsync(instance);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state3.RuntimeStatus);
        var run3Row = (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", "run3")).Value;
        output.WriteLine($"[transport set] unknown name: {run3Row.Status}: {run3Row.Reason}");
        Assert.Equal(RunStatus.Failed, run3Row.Status);
        Assert.Contains("run parameter transport_sets", run3Row.Reason);
        Assert.Contains("transport set 'Unphysical' is not built in", run3Row.Reason);
        Assert.Equal("run2", (await _bed.Storage.Runs.GetEntityAsync<RunRow>("bt", RunRow.LatestRowKey)).Value.RunId);
        cases.Add(new BadCase("transport set", "unknown set name", BadCaseRecord.StepFailure, "run parameter transport_sets"));
        cases.Add(new BadCase("missing chunk", "stale after the timeout", BadCaseRecord.IncompleteSeries, "bt/xpcs/bad-missing-chunk/chunk-00001.h5"));

        output.WriteLine($"{cases.Count} bad-input cases: " + string.Join(", ", cases.GroupBy(c => c.Category).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(rawBefore, await BeamtimePipelineTests.Snapshot(_bed.Storage.Raw));
    }

    [Fact]
    public void A_deflate_bomb_is_rejected_from_its_header_before_its_frames_are_decompressed()
    {
        var beamtime = _bed.WriteBeamtime(frames: 16, timesMin: [60]);
        string folder = Path.Combine(beamtime.Folder, "xpcs", beamtime.Series[0].Series);
        string chunk = Path.Combine(folder, "chunk-00001.h5");
        BadInputCorpus.WriteDeflateBomb(chunk, 8, 4096, 4096);
        Assert.True(new FileInfo(chunk).Length < 1 << 20, $"the bomb is {new FileInfo(chunk).Length} bytes");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DataContractException>(() => SeriesFrameSource.Open(folder).Dispose());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{error.Message}; allocated {allocated} bytes (one declared frame chunk is {4096 * 4096 * 2} bytes)");
        Assert.Contains("frames are 4096 x 4096 pixels", error.Message);
        Assert.True(allocated < 4096 * 4096 * 2 / 4, $"allocated {allocated} bytes before rejecting");
    }

    private sealed record RunResult(OrchestrationMetadata State, IReadOnlyDictionary<string, JsonElement> Series, IReadOnlyList<string> StepFailures,
        IReadOnlyList<string> Results);

    private async Task<RunResult> RunAsync(LocalPipeline pipeline, string runId, RunParameters parameters)
    {
        string instance = await pipeline.StartRunAsync("bt", runId, parameters);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = await pipeline.WaitAsync(instance);
        output.WriteLine($"{runId}: {state.RuntimeStatus} in {clock.Elapsed.TotalSeconds:0.0} s");
        string prefix = ResultNames.RunPrefix("bt", runId);
        var results = (await BeamtimePipelineTests.Snapshot(_bed.Storage.Results, prefix)).Keys.ToList();
        using var runJson = JsonDocument.Parse((await _bed.Storage.Results.GetBlobClient(prefix + ResultNames.RunFile).DownloadContentAsync()).Value.Content.ToString());
        var series = runJson.RootElement.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("series").GetString()!, s => s.Clone());
        var failures = runJson.RootElement.GetProperty("step_failures").EnumerateArray().Select(f => f.GetString()!).ToList();
        return new RunResult(state, series, failures, results);
    }

    /// <summary>run.json's entry and the series row of a series case; both must say failed (or incomplete) with the same reason.</summary>
    private async Task<string> SeriesRecordAsync(RunResult run, BadCase badCase)
    {
        Assert.True(run.Series.TryGetValue(badCase.Series, out var entry), $"run.json has no entry for {badCase.Series}");
        string status = entry.GetProperty("status").GetString()!;
        string reason = entry.GetProperty("reason").GetString() ?? "";
        var row = (await _bed.Storage.Series.GetEntityAsync<SeriesRow>("bt", badCase.Series)).Value;
        SeriesStatus expected = badCase.Record == BadCaseRecord.IncompleteSeries ? SeriesStatus.Incomplete : SeriesStatus.Failed;
        Assert.Equal(expected, row.Status);
        Assert.Equal(SeriesStatus.Failed.Name(), status);
        Assert.Equal(reason, row.Reason);
        return reason;
    }

    private static double OfflineSpeed(string seriesFolder)
    {
        using var temp = new Data.Tests.Support.TempFolder();
        string g2 = temp.File("g2.h5"), fit = temp.File("fit.json");
        SeriesCorrelation.CorrelateToFile(seriesFolder, g2);
        return SeriesAnalysis.FitG2FileToJson(g2, Path.Combine(seriesFolder, "series.json"), fit).Fit.Velocity.SpeedAPerS!.Value;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
