using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Bench;

/// <summary>
/// `scale-out CLI.dll [series] [frames] [processes,...] [workers]`: the user's view of scale-out. A synthetic beamtime
/// (5 positions × series/5 times, 128 × 128 px) goes through `cloudxpcs run` on a fresh Azurite, once per process count
/// P: P − 1 `cloudxpcs worker` processes join the run's task hub first (fresh containers, tables and task hub each time,
/// nothing reused), each process running `workers` activities at once. Printed per P: the time from starting `run` to
/// every series analysed (upload, host start and ingest included) as pixel-frames/s, the run's whole wall time, and the
/// activities each process started. Beside it, in the same run, the whole-process `cloudxpcs correlate` of one of the
/// series (best of 3), the rate the issue compares the pipeline with. After each run, where its time went: the CPU
/// seconds of the `run` process and of Azurite, when the upload ended, and per series the orchestration's overhead
/// (series complete to correlation start, correlation to fit, fit to recorded) beside its activities' own time, from
/// the task hub's history (<see cref="PipelineTimeline"/>).
/// </summary>
public static class ScaleOutThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        string cli = Path.GetFullPath(args[1]);
        int series = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        int frames = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2048;
        int[] processCounts = (args.Length > 4 ? args[4] : "1,2,4").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int workers = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 2;
        string root = Path.Combine(Path.GetTempPath(), "cloudxpcs-scaleout-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var beamtime = SyntheticBeamtimeWriter.Write(Path.Combine(root, "bt"), new SyntheticBeamtimeSpec
            {
                Beamtime = "bt", Frames = frames, SeriesTimesMin = Enumerable.Range(1, Math.Max(1, series / 5)).Select(i => 20.0 * i).ToList(), XamTimesMin = [0, 151, 314],
            });
            double pixelFrames = beamtime.Series.Count * 128.0 * 128.0 * frames;
            Console.WriteLine(FormattableString.Invariant(
                $"machine: {Environment.ProcessorCount} cores; beamtime: {beamtime.Series.Count} series of 128 x 128 x {frames} ({pixelFrames:0.###e0} pixel-frames)"));

            string oneSeries = Directory.GetDirectories(Path.Combine(beamtime.Folder, "xpcs")).Order(StringComparer.Ordinal).First();
            double best = double.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                var (code, output) = await RunToEndAsync(cli, ["correlate", "--series", oneSeries, "--out", Path.Combine(root, "g2.h5")]);
                if (code != 0) throw new InvalidOperationException($"correlate failed: {output}");
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            double correlateRate = 128.0 * 128.0 * frames / best;
            Console.WriteLine(FormattableString.Invariant($"cloudxpcs correlate of one series, whole process, best of 3: {best:F2} s, {correlateRate:0.00e0} pixel-frames/s (load {Load()})"));

            await using var azurite = await AzuriteServer.StartAsync(dataFolder: Path.Combine(root, "azurite"));
            foreach (int processes in processCounts)
            {
                string id = $"p{processes}{Guid.NewGuid().ToString("N")[..6]}";
                string[] storageArgs =
                [
                    "--storage", azurite.ConnectionString, "--task-hub", "hub" + id, "--name-prefix", id, "--raw-container", "raw-" + id,
                    "--results-container", "results-" + id,
                ];
                var storage = new PipelineStorage(new PipelineStorageOptions
                {
                    ConnectionString = azurite.ConnectionString, RawContainer = "raw-" + id, ResultsContainer = "results-" + id, NamePrefix = id,
                });
                await storage.CreateIfNotExistsAsync();
                var workerProcesses = new List<(Process Process, ConcurrentQueue<string> Lines)>();
                try
                {
                    for (int w = 1; w < processes; w++)
                    {
                        var lines = new ConcurrentQueue<string>();
                        var process = Start(cli, ["worker", .. storageArgs, "--workers", workers.ToString(CultureInfo.InvariantCulture), "--worker-id", $"worker{w}"], lines);
                        workerProcesses.Add((process, lines));
                        while (!lines.Any(l => l.StartsWith($"worker worker{w} ", StringComparison.Ordinal)))
                        {
                            if (process.HasExited) throw new InvalidOperationException($"worker {w} ended: {string.Join('\n', lines)}");
                            await Task.Delay(100);
                        }
                    }
                    var runLines = new ConcurrentQueue<string>();
                    var timedLines = new ConcurrentQueue<(double S, string Line)>();
                    var runStartedUtc = DateTimeOffset.UtcNow;
                    var clock = Stopwatch.StartNew();
                    var run = Start(cli, ["run", "--beamtime", beamtime.Folder, "--out", Path.Combine(root, "out-" + id), .. storageArgs,
                        "--workers", workers.ToString(CultureInfo.InvariantCulture), "--no-infer", "--run-id", "r1"], runLines, line => timedLines.Enqueue((clock.Elapsed.TotalSeconds, line)));
                    double allAnalysedS = double.NaN;
                    double azuriteCpuBefore = CpuSeconds(azurite.ProcessId), runCpu = 0, runCpuAtAnalysed = double.NaN, azuriteCpuAtAnalysed = double.NaN;
                    while (!run.HasExited)
                    {
                        runCpu = Math.Max(runCpu, CpuSeconds(run.Id));
                        if (double.IsNaN(allAnalysedS) && await AnalysedAsync(storage) >= beamtime.Series.Count)
                        {
                            allAnalysedS = clock.Elapsed.TotalSeconds;
                            (runCpuAtAnalysed, azuriteCpuAtAnalysed) = (runCpu, CpuSeconds(azurite.ProcessId) - azuriteCpuBefore);
                        }
                        await Task.Delay(200);
                    }
                    double azuriteCpu = CpuSeconds(azurite.ProcessId) - azuriteCpuBefore;
                    await run.WaitForExitAsync();
                    double runS = clock.Elapsed.TotalSeconds;
                    if (run.ExitCode != 0) throw new InvalidOperationException($"run with {processes} processes ended with exit {run.ExitCode}: {string.Join('\n', runLines)}");
                    if (double.IsNaN(allAnalysedS)) allAnalysedS = runS;
                    string shares = string.Join(", ", workerProcesses.Select((w, i) => $"worker{i + 1} {w.Lines.Count(l => l.Contains("Activity ", StringComparison.Ordinal))}"));
                    double rate = pixelFrames / allAnalysedS;
                    Console.WriteLine(FormattableString.Invariant(
                        $"{processes} process(es) x {workers} workers: all {beamtime.Series.Count} series analysed {allAnalysedS:F1} s after `run` started ({rate:0.00e0} pixel-frames/s, {rate / correlateRate:F2} x the correlate rate); run completed in {runS:F1} s; heavy activities started by the worker processes: {(shares.Length == 0 ? "none (one process)" : shares)} (load {Load()})"));
                    Console.WriteLine(FormattableString.Invariant(
                        $"  CPU time until all analysed: run process {runCpuAtAnalysed:F1} s, Azurite {azuriteCpuAtAnalysed:F1} s; until the run ended: {runCpu:F1} s and {azuriteCpu:F1} s (sampled every 0.2 s)"));
                    foreach (var (at, line) in timedLines.Where(l => l.Line.StartsWith("uploaded ", StringComparison.Ordinal) || l.Line.StartsWith("run r1 started", StringComparison.Ordinal)))
                        Console.WriteLine(FormattableString.Invariant($"  {at,6:F2} s  run printed: {line}"));
                    foreach (string line in (await PipelineTimeline.ReadAsync(azurite.ConnectionString, "hub" + id, runStartedUtc)).Describe()) Console.WriteLine(line);
                }
                finally
                {
                    foreach (var (process, _) in workerProcesses)
                    {
                        if (!process.HasExited) process.Kill(entireProcessTree: true);
                        process.Dispose();
                    }
                }
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<int> AnalysedAsync(PipelineStorage storage)
    {
        int analysed = 0;
        try
        {
            await foreach (var row in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == "bt"))
                if (row.Status == SeriesStatus.Analysed) analysed++;
        }
        catch (Azure.RequestFailedException)
        {
            // The table is created by the run's host.
        }
        return analysed;
    }

    private static Process Start(string cli, string[] args, ConcurrentQueue<string> lines, Action<string>? onLine = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lines.Enqueue(e.Data);
            onLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(string cli, string[] args)
    {
        var lines = new ConcurrentQueue<string>();
        using var process = Start(cli, args, lines);
        await process.WaitForExitAsync();
        return (process.ExitCode, string.Join('\n', lines));
    }

    /// <summary>User plus system CPU seconds of a live process so far (/proc/PID/stat); 0 when it is gone or unknown.</summary>
    private static double CpuSeconds(int? pid)
    {
        try
        {
            if (pid is null) return 0;
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // fields from the 3rd on; utime, stime are the 14th, 15th
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
