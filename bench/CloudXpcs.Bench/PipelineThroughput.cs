using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Transfer;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Bench;

/// <summary>
/// `pipeline [series] [frames] [workers,...] [reprocess]`: a synthetic beamtime (5 positions × series/5 times, 128 × 128
/// px) through the durable local host on a fresh Azurite, once per worker count (fresh containers, tables and task hub
/// each time, so nothing is reused): run wall time, series per minute, per-series orchestration overhead (time in the
/// series orchestration minus time in its activities, from the analyses table), the host's peak working set and the
/// number of requests Azurite served (from its debug log). With `reprocess`, a second run with a new q/χ binning follows.
/// </summary>
public static class PipelineThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        int series = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        int frames = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 256;
        int[] workerCounts = (args.Length > 3 ? args[3] : "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        bool reprocess = args.Contains("reprocess");
        int times = Math.Max(1, series / 5);
        string root = Path.Combine(Path.GetTempPath(), "cloudxpcs-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var clock = Stopwatch.StartNew();
        var beamtime = SyntheticBeamtimeWriter.Write(Path.Combine(root, "bt"), new SyntheticBeamtimeSpec
        {
            Beamtime = "bt", Frames = frames, SeriesTimesMin = Enumerable.Range(1, times).Select(i => 20.0 * i).ToList(), XamTimesMin = [0, 151, 314],
        });
        Console.WriteLine(FormattableString.Invariant($"beamtime: {beamtime.Series.Count} series x {frames} frames (128x128 px) simulated in {clock.Elapsed.TotalSeconds:F1} s"));
        string azuriteData = Path.Combine(root, "azurite");
        await using var azurite = await AzuriteServer.StartAsync(dataFolder: azuriteData, debugLog: Path.Combine(root, "azurite-debug.log"));
        foreach (int workers in workerCounts)
        {
            string id = $"w{workers}{Guid.NewGuid().ToString("N")[..6]}";
            var options = new PipelineStorageOptions
            {
                ConnectionString = azurite.ConnectionString, RawContainer = "raw-" + id, ResultsContainer = "results-" + id, NamePrefix = id,
            };
            var storage = new PipelineStorage(options);
            await storage.CreateIfNotExistsAsync();
            await new BeamtimeUploader(storage.Raw, 8).UploadFolderAsync(beamtime.Folder, "bt");
            long requestsBefore = AzuriteRequests(Path.Combine(root, "azurite-debug.log"));
            var process = Process.GetCurrentProcess();
            await using (var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Storage = options, TaskHubName = "hub" + id, Workers = workers }))
            {
                foreach (var (name, parameters) in Runs(reprocess))
                {
                    var run = Stopwatch.StartNew();
                    long maxWorkingSet = 0;
                    using var sampler = new Timer(_ => { using var p = Process.GetCurrentProcess(); maxWorkingSet = Math.Max(maxWorkingSet, p.WorkingSet64); },
                        null, 0, 200);
                    await pipeline.Watcher.ScanOnceAsync("bt/");
                    string instance = await pipeline.StartRunAsync("bt", name, parameters);
                    var state = await pipeline.WaitAsync(instance);
                    var outcome = state.ReadOutputAs<RunOutcome>()!;
                    double seconds = run.Elapsed.TotalSeconds;
                    var overheads = new List<double>();
                    var activities = new List<double>();
                    var plan = System.Text.Json.JsonSerializer.Deserialize<RunPlan>((await storage.Results
                        .GetBlobClient(ResultNames.RunPrefix("bt", name) + ResultNames.PlanFile).DownloadContentAsync()).Value.Content.ToString())!;
                    var ids = plan.Series.Select(s => s.AnalysisId).OfType<string>().ToHashSet();
                    await foreach (var row in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == "bt"))
                    {
                        if (!ids.Contains(row.RowKey) || row.Status != SeriesStatus.Analysed) continue;
                        overheads.Add(row.OrchestrationMs - row.ActivityMs);
                        activities.Add(row.ActivityMs);
                    }
                    overheads.Sort();
                    activities.Sort();
                    process.Refresh();
                    Console.WriteLine(FormattableString.Invariant(
                        $"{name}: {workers} worker(s): {outcome.SeriesAnalysed} analysed, {outcome.SeriesFailed} failed, {seconds:F1} s wall, {outcome.SeriesAnalysed / seconds * 60:F1} series/min; per series: activities median {Median(activities):F0} ms, orchestration overhead median {Median(overheads):F0} ms (p90 {Percentile(overheads, 0.9):F0} ms); host working set max during the run {maxWorkingSet / 1048576.0:F0} MiB (process peak incl. simulation {process.PeakWorkingSet64 / 1048576.0:F0} MiB); Azurite requests {AzuriteRequests(Path.Combine(root, "azurite-debug.log")) - requestsBefore}"));
                }
            }
        }
        try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        return 0;
    }

    private static IEnumerable<(string Name, RunParameters Parameters)> Runs(bool reprocess)
    {
        yield return ("first", new RunParameters { Infer = false });
        if (reprocess) yield return ("reprocess", new RunParameters { Infer = false, QMap = new QMapOverride(0.0029, 0.0192, 6, 12, 4) });
    }

    private static long AzuriteRequests(string debugLog) =>
        File.Exists(debugLog) ? File.ReadLines(debugLog).LongCount(l => l.Contains("StorageContextMiddleware: RequestMethod=", StringComparison.OrdinalIgnoreCase)) : 0;

    private static double Median(List<double> sorted) => Percentile(sorted, 0.5);

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
