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
/// `series-latency [side] [frames] [chunks] [watch-ms] [layout]`: what a beamline user waits for. One series (side ×
/// side px, uint16 Poisson counts, contract chunks, deflate unless another layout is named) is uploaded chunk by chunk to a fresh Azurite while the local pipeline
/// runs and its raw-container watcher polls every watch-ms (the local stand-in for Event Grid); the clock starts when
/// the last chunk's upload returns and stops when the series' fit.json is in the results container. The split comes
/// from storage: the analysis row's creation (ingest noticed the complete series and scheduled it), g2.h5 written
/// (download, correlation, merge), fit.json written (fit), and the row's activity and orchestration times.
/// </summary>
public static class SeriesLatency
{
    public static async Task<int> RunAsync(string[] args)
    {
        int side = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 512;
        int frames = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2048;
        int chunks = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4;
        int watchMs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 500;
        var layout = args.Length > 5 ? Enum.Parse<ChunkStorageLayout>(args[5], ignoreCase: true) : ChunkStorageLayout.Deflate;
        string root = Path.Combine(Path.GetTempPath(), "cloudxpcs-latency-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var clock = Stopwatch.StartNew();
            string folder = Path.Combine(root, "bt", SeriesManifest.XpcsFolder, "s1");
            DenseSeriesWriter.Write(folder, "bt", "s1", frames, side, 1.0, chunks, layout);
            long bytes = Directory.EnumerateFiles(folder, "chunk-*.h5").Sum(f => new FileInfo(f).Length);
            Console.WriteLine(FormattableString.Invariant(
                $"series: {side}x{side} px x {frames} frames (Poisson mean 1) in {chunks} {layout} chunks ({bytes / 1e6:F0} MB), written in {clock.Elapsed.TotalSeconds:F1} s"));
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");

            await using var azurite = await AzuriteServer.StartAsync(dataFolder: Path.Combine(root, "azurite"));
            var options = new PipelineStorageOptions { ConnectionString = azurite.ConnectionString, RawContainer = "raw", ResultsContainer = "results", NamePrefix = "lat" };
            await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Storage = options, TaskHubName = "latency", Workers = 2 });
            var storage = pipeline.Storage;
            using var stop = new CancellationTokenSource();
            var watching = pipeline.Watcher.RunAsync(TimeSpan.FromMilliseconds(watchMs), "bt/", stop.Token);

            var uploader = new BeamtimeUploader(storage.Raw);
            string prefix = "bt/" + SeriesManifest.XpcsFolder + "/s1/";
            await uploader.UploadFileAsync(Path.Combine(folder, SeriesManifest.FileName), prefix + SeriesManifest.FileName);
            var chunkFiles = Directory.EnumerateFiles(folder, "chunk-*.h5").Order(StringComparer.Ordinal).ToList();
            var upload = Stopwatch.StartNew();
            foreach (string chunk in chunkFiles.SkipLast(1)) await uploader.UploadFileAsync(chunk, prefix + Path.GetFileName(chunk));
            Console.WriteLine(FormattableString.Invariant($"first {chunks - 1} chunks uploaded in {upload.Elapsed.TotalSeconds:F1} s"));
            upload.Restart();
            await uploader.UploadFileAsync(chunkFiles[^1], prefix + Path.GetFileName(chunkFiles[^1]));
            var lastLanded = DateTimeOffset.UtcNow;
            double lastUploadS = upload.Elapsed.TotalSeconds;
            var wait = Stopwatch.StartNew();

            AnalysisRow? row = null;
            string? fitBlob = null;
            while (fitBlob is null)
            {
                if (wait.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("no fit.json within 10 min of the last chunk");
                await Task.Delay(100);
                row = await AnalysisRowAsync(storage);
                if (row is null) continue;
                string candidate = row.ResultPrefix + ResultNames.FitFile;
                if (await storage.Results.GetBlobClient(candidate).ExistsAsync()) fitBlob = candidate;
            }
            double latencyS = (DateTimeOffset.UtcNow - lastLanded).TotalSeconds;
            await stop.CancelAsync();
            try { await watching; } catch (OperationCanceledException) { }

            // The row is completed just after fit.json is written.
            for (int i = 0; i < 100 && row!.Status is not (SeriesStatus.Analysed or SeriesStatus.Failed); i++)
            {
                await Task.Delay(100);
                row = await AnalysisRowAsync(storage) ?? row;
            }
            var created = await CreatedAsync(storage, row!.ResultPrefix + ResultNames.G2File);
            var fitted = await CreatedAsync(storage, fitBlob);
            // The inputs captured when the analysis was claimed are written at the claim.
            var claimed = await CreatedAsync(storage, AnalysisInputs.BlobName("bt", "s1", row.RowKey));
            Console.WriteLine(FormattableString.Invariant(
                $"latency, last chunk landed -> fit.json in results: {latencyS:F1} s (the last chunk's upload itself {lastUploadS:F1} s)"));
            Console.WriteLine(FormattableString.Invariant(
                $"  ingest (watcher poll {watchMs} ms, series complete, analysis claimed): {(claimed - lastLanded).TotalSeconds:F1} s"));
            Console.WriteLine(FormattableString.Invariant(
                $"  to g2.h5 written (orchestration start, download, correlation, write): {(created - claimed).TotalSeconds:F1} s"));
            Console.WriteLine(FormattableString.Invariant($"  to fit.json written (fit step): {(fitted - created).TotalSeconds:F1} s"));
            Console.WriteLine(FormattableString.Invariant(
                $"  analysis row: activities {row.ActivityMs / 1000:F1} s, series orchestration {row.OrchestrationMs / 1000:F1} s, status {row.StatusName}; {(double)side * side * frames / latencyS:E2} pixel-frames/s from last chunk to fit.json"));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The series' analysis row (the beamtime has one series), or null before the ingest claimed it.</summary>
    private static async Task<AnalysisRow?> AnalysisRowAsync(PipelineStorage storage)
    {
        AnalysisRow? row = null;
        await foreach (var r in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == "bt")) row = r;
        return row;
    }

    private static async Task<DateTimeOffset> CreatedAsync(PipelineStorage storage, string blob) =>
        (await storage.Results.GetBlobClient(blob).GetPropertiesAsync()).Value.CreatedOn;
}
