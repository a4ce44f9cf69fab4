using System.Diagnostics;
using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Transfer;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Spectre.Console;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>What a finished run left: its outcome, where the results are, and the series lines of run.json.</summary>
public sealed record FinishedRun(RunOutcome Outcome, string LocalFolder, TimeSpan Elapsed, IReadOnlyList<JsonElement> Series);

/// <summary>
/// Runs a beamtime through the durable local host: optional upload of a folder, the watcher's ingest of raw blobs
/// (starting series analyses as series complete), the beamtime orchestration with live progress, and the download of
/// the run's results.
/// </summary>
public static class BeamtimeRunner
{
    public static async Task<FinishedRun> RunAsync(StorageSession session, RunSettings settings, string beamtime, string? uploadFolder,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var startedUtc = DateTimeOffset.UtcNow;
        // The host starts while the folder uploads (its start is seconds of its own); the scan below ingests what arrived.
        var starting = LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            Storage = session.Options, TaskHubName = session.TaskHub, Workers = settings.Workers, MessageLease = TimeSpan.FromSeconds(settings.LeaseS),
            ShardPixelThreshold = settings.ShardThreshold,
        }, cancellationToken: cancellationToken);
        if (uploadFolder is not null)
        {
            UploadSummary upload;
            try
            {
                upload = await new BeamtimeUploader(session.Storage.Raw).UploadFolderAsync(uploadFolder, beamtime, cancellationToken: cancellationToken);
            }
            catch
            {
                try { await (await starting).DisposeAsync(); } catch (Exception) { }   // the upload's error is the one to report
                throw;
            }
            Console.WriteLine($"uploaded {upload.Uploaded} files ({upload.Bytes / 1e6:0.0} MB) to {session.Options.RawContainer}/{beamtime}/" +
                              (upload.Skipped > 0 ? $", {upload.Skipped} already there with the same MD5 (kept from an earlier upload)" : ""));
        }
        await using var pipeline = await starting;
        await pipeline.Watcher.ScanOnceAsync(beamtime + "/", cancellationToken);
        string runId = settings.RunId ?? ResultNames.NewRunId(DateTimeOffset.UtcNow);
        string instance = await pipeline.StartRunAsync(beamtime, runId, settings.Parameters(), cancellationToken);
        Console.WriteLine($"run {runId} of {beamtime} started (orchestration {instance}, {settings.Workers} workers)");

        var progress = new RunProgress(beamtime, runId, clock);
        var sinceResume = Stopwatch.StartNew();
        var stallAfter = settings.StallTimeoutS is { } stallS ? TimeSpan.FromSeconds(stallS) : RunStallWatchdog.DefaultFor(TimeSpan.FromSeconds(settings.LeaseS));
        var state = await pipeline.WaitForRunAsync(beamtime, runId, stallAfter, snapshot =>
        {
            progress.Report(snapshot);
            return Task.CompletedTask;
        }, async () =>
        {
            if (sinceResume.Elapsed <= TimeSpan.FromSeconds(15)) return;
            await pipeline.Ingestor.ResumeQueuedAsync(beamtime, cancellationToken);
            sinceResume.Restart();
        }, cancellationToken);
        if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"run {runId} ended {state.RuntimeStatus}: {Describe(state.FailureDetails)}" +
                                                (state.FailureDetails is null && !string.IsNullOrEmpty(state.SerializedOutput) ? $"; output: {state.SerializedOutput.ReplaceLineEndings(" ")}" : ""));
        var outcome = state.ReadOutputAs<RunOutcome>()!;

        string local = Path.GetFullPath(Path.Combine(settings.Out, beamtime));
        if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
        await BlobTransfer.DownloadPrefixAsync(session.Storage.Results, outcome.ResultPrefix, local, cancellationToken: cancellationToken);
        using var runJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(local, ResultNames.RunFile), cancellationToken));
        var series = runJson.RootElement.GetProperty("series").EnumerateArray().Select(e => e.Clone()).ToList();
        foreach (string line in await ReusedAnalyses.DescribeAsync(session.Storage, beamtime, runId, startedUtc, series,
                     async owner => await pipeline.Client.GetInstanceAsync(owner, cancellationToken) is not null, cancellationToken)) Console.WriteLine(line);
        return new FinishedRun(outcome, local, clock.Elapsed, series);
    }

    /// <summary>The orchestration's failure in one line: type, message, the first frame of its stack, and each inner failure.</summary>
    private static string Describe(TaskFailureDetails? failure)
    {
        if (failure is null) return "no failure details";
        string at = failure.StackTrace?.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        string text = $"{failure.ErrorType}: {failure.ErrorMessage}{(at.Length > 0 ? $" [{at}]" : "")}";
        return failure.InnerFailure is { } inner ? $"{text} <- {Describe(inner)}" : text;
    }

    public static void PrintSummary(FinishedRun run, StorageSession session)
    {
        var table = new Table().AddColumns("series", "status", "speed A/s", "reason");
        foreach (var s in run.Series)
        {
            string speed = s.GetProperty("speed_A_per_s") is { ValueKind: JsonValueKind.Number } v
                ? $"{v.GetDouble():0.00} ± {s.GetProperty("speed_err_A_per_s").GetDouble():0.00}"
                : s.GetProperty("resolvable") is { ValueKind: JsonValueKind.False } ? "not resolvable" : "";
            table.AddRow(Markup.Escape(s.GetProperty("series").GetString() ?? ""), s.GetProperty("status").GetString() ?? "", speed,
                Markup.Escape(s.GetProperty("reason").GetString() ?? ""));
        }
        AnsiConsole.Write(table);
        var o = run.Outcome;
        foreach (string failure in o.StepFailures) AnsiConsole.MarkupLineInterpolated($"[yellow]step failed:[/] {failure}");
        Console.WriteLine($"run {o.RunId}: {o.Status.Name()}, {o.SeriesAnalysed} series analysed, {o.SeriesFailed} failed, {run.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine($"results: {run.LocalFolder}");
        Console.WriteLine($"report:  {Path.Combine(run.LocalFolder, "report", "index.html")}");
        Console.WriteLine($"storage: container {session.Options.ResultsContainer}, {o.ResultPrefix} (tables {session.Options.SeriesTable}, {session.Options.RunsTable})");
    }
}
