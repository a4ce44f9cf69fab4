using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Transfer;

namespace CloudXpcs.Bench;

/// <summary>
/// `live-latency [side] [frames] [chunks] [gap-s] [rounds] [layout] [interval-s]`: live feedback's cost and freshness.
/// One series (side × side px, uint16 Poisson counts, contract chunks) is uploaded chunk by chunk, gap-s apart, to one
/// Azurite while a fresh local pipeline (2 workers, watcher polling every 500 ms) runs; rounds alternate live feedback
/// off and on (each round its own beamtime name, so nothing is reused). Printed per round: the time from the last
/// chunk landing to fit.json in results, and with live feedback each partial result seen while chunks arrived (chunks
/// and frames covered, how long after its last chunk landed it was written, its compute time).
/// </summary>
public static class LiveLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
        int side = int.Parse(Arg(1, "512"), CultureInfo.InvariantCulture);
        int frames = int.Parse(Arg(2, "2048"), CultureInfo.InvariantCulture);
        int chunks = int.Parse(Arg(3, "4"), CultureInfo.InvariantCulture);
        double gapS = double.Parse(Arg(4, "5"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg(5, "4"), CultureInfo.InvariantCulture);
        var layout = Enum.Parse<ChunkStorageLayout>(Arg(6, "Deflate"), ignoreCase: true);
        double intervalS = double.Parse(Arg(7, "5"), CultureInfo.InvariantCulture);
        string root = Path.Combine(Path.GetTempPath(), "cloudxpcs-live-latency-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string folder = Path.Combine(root, "series");
            DenseSeriesWriter.Write(folder, "bt", "s1", frames, side, 1.0, chunks, layout);
            var manifest = SeriesManifest.Load(Path.Combine(folder, SeriesManifest.FileName));
            long bytes = Directory.EnumerateFiles(folder, "chunk-*.h5").Sum(f => new FileInfo(f).Length);
            Console.WriteLine(FormattableString.Invariant(
                $"series: {side}x{side} px x {frames} frames (Poisson mean 1) in {chunks} {layout} chunks ({bytes / 1e6:F0} MB), chunks {gapS} s apart, partial interval {intervalS} s"));
            await using var azurite = await AzuriteServer.StartAsync(dataFolder: Path.Combine(root, "azurite"));
            var options = new PipelineStorageOptions { ConnectionString = azurite.ConnectionString, RawContainer = "raw", ResultsContainer = "results", NamePrefix = "live" };
            var latencies = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
            for (int round = 0; round < rounds; round++)
            {
                bool live = round % 2 == 1;
                double latency = await RoundAsync(options, folder, manifest, $"bt{round}", live, gapS, intervalS);
                latencies[live].Add(latency);
            }
            foreach (bool live in new[] { false, true })
                Console.WriteLine(FormattableString.Invariant(
                    $"live feedback {(live ? "on " : "off")}: last chunk -> fit.json {string.Join(", ", latencies[live].Select(l => l.ToString("F1", CultureInfo.InvariantCulture)))} s"));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<double> RoundAsync(PipelineStorageOptions options, string folder, SeriesManifest manifest, string bt, bool live, double gapS,
        double intervalS)
    {
        Console.WriteLine($"round {bt}, live feedback {(live ? "on" : "off")}, load {File.ReadAllText("/proc/loadavg").Trim()}");
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            Storage = options, TaskHubName = "hub" + bt, Workers = 2,
            LiveFeedback = live ? new LiveFeedbackOptions { MinInterval = TimeSpan.FromSeconds(intervalS) } : null,
        });
        var storage = pipeline.Storage;
        using var stop = new CancellationTokenSource();
        var watching = pipeline.Watcher.RunAsync(TimeSpan.FromMilliseconds(500), bt + "/", stop.Token);
        var uploader = new BeamtimeUploader(storage.Raw);
        string prefix = $"{bt}/{SeriesManifest.XpcsFolder}/s1/";
        string manifestPath = Path.Combine(folder, bt + ".series.json");
        (manifest with { Beamtime = bt }).Save(manifestPath);
        await uploader.UploadFileAsync(manifestPath, prefix + SeriesManifest.FileName);

        // While chunks arrive: every partial result seen, with the time its last chunk landed.
        var landed = new List<DateTimeOffset>();
        var partials = new List<(PartialResultDocument Document, double AfterLandedS)>();
        var polling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var document = await LiveResults.ReadAsync(storage, bt, "s1");
                if (document is not null && (partials.Count == 0 || partials[^1].Document.ComputedUtc != document.ComputedUtc))
                    lock (landed) partials.Add((document, (document.ComputedUtc - landed[document.ChunksCovered - 1]).TotalSeconds));
                try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        int chunkCount = manifest.Chunks;
        for (int k = 0; k < chunkCount; k++)
        {
            if (k > 0) await Task.Delay(TimeSpan.FromSeconds(gapS));
            await uploader.UploadFileAsync(Path.Combine(folder, SeriesManifest.ChunkFileName(k)), prefix + SeriesManifest.ChunkFileName(k));
            lock (landed) landed.Add(DateTimeOffset.UtcNow);
        }
        var wait = Stopwatch.StartNew();
        string? fitBlob = null;
        AnalysisRow? row = null;
        while (fitBlob is null)
        {
            if (wait.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("no fit.json within 10 min of the last chunk");
            await Task.Delay(100);
            await foreach (var r in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == bt)) row = r;
            if (row is not null && await storage.Results.GetBlobClient(row.ResultPrefix + ResultNames.FitFile).ExistsAsync()) fitBlob = row.ResultPrefix + ResultNames.FitFile;
        }
        double latency = (DateTimeOffset.UtcNow - landed[^1]).TotalSeconds;
        await stop.CancelAsync();
        try { await watching; } catch (OperationCanceledException) { }
        await polling;
        Console.WriteLine(FormattableString.Invariant($"  last chunk landed -> fit.json in results: {latency:F1} s"));
        foreach (var (document, after) in partials)
            Console.WriteLine(FormattableString.Invariant(
                $"  partial: {document.ChunksCovered}/{document.ChunksExpected} chunks, {document.FramesCovered}/{document.FramesTotal} frames, written {after:F1} s after its last chunk landed (computed in {document.ComputeS:F1} s), speed {(document.SpeedAPerS is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "not resolvable")}"));
        return latency;
    }
}
