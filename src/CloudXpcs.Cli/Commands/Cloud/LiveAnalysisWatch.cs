using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Transfer;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// <c>upload --watch --analyse</c>: the detector folder is followed and uploaded as with --watch, and this process also
/// hosts the pipeline (as the Functions app does in Azure): each new raw blob is ingested at once, a series is analysed
/// as soon as its last chunk lands, and while its chunks arrive its partial result (g2 and speed of the chunks landed)
/// is computed and printed. One line per change of a series.
/// </summary>
internal static class LiveAnalysisWatch
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(StorageSession session, FolderUploadWatcher folder, string beamtime, int workers, LiveFeedbackOptions? live,
        CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            Storage = session.Options, TaskHubName = session.TaskHub, Workers = workers, LiveFeedback = live,
        }, cancellationToken: stop);
        Console.WriteLine(live is null
            ? "analysing each series once its last chunk lands (no partial results)"
            : $"analysing each series once its last chunk lands; partial results while chunks arrive (at most one per series every {live.MinInterval.TotalSeconds:0.#} s)");
        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        int uploaded = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (string name in await folder.ScanOnceAsync(DateTime.UtcNow, CancellationToken.None))
            {
                Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] uploaded {name}");
                uploaded++;
            }
            await pipeline.Watcher.ScanOnceAsync(beamtime + "/", CancellationToken.None);
            await PrintChangesAsync(pipeline.Storage, beamtime, printed, clock, CancellationToken.None);
            try { await Task.Delay(Poll, stop); } catch (OperationCanceledException) { break; }
        }
        Console.WriteLine($"{uploaded} files uploaded while watching");
        return 0;
    }

    private static async Task PrintChangesAsync(PipelineStorage storage, string beamtime, Dictionary<string, string> printed, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var rows = new List<SeriesRow>();
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken)) rows.Add(row);
        var live = (await LiveSeriesStatus.LoadAsync(storage, rows, cancellationToken)).ToDictionary(s => s.Series, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string line = live.TryGetValue(row.RowKey, out var s)
                ? s.Partial is null
                    ? $"chunks {LiveSeriesStatus.Chunks(s)} landed, partial result: {LiveSeriesStatus.Speed(s)}"
                    : $"chunks {LiveSeriesStatus.Chunks(s)} landed, partial result of {LiveSeriesStatus.Frames(s)} frames: {LiveSeriesStatus.Speed(s)} A/s"
                : row.Status switch
                {
                    SeriesStatus.Analysed => row.SpeedAPerS is { } v ? $"analysed (final): {v:0.00} ± {row.SpeedErrAPerS:0.00} A/s" : "analysed (final): not resolvable",
                    SeriesStatus.Failed => $"failed: {row.Reason}",
                    var other => other.Name(),
                };
            if (printed.TryGetValue(row.RowKey, out string? last) && last == line) continue;
            printed[row.RowKey] = line;
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {row.RowKey}: {line}");
        }
    }
}
