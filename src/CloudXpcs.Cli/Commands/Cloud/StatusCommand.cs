using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Storage;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary><c>cloudxpcs status [--beamtime NAME] [--json]</c>: runs and series from the Table index.</summary>
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    private const int ReasonWidth = 38;

    public sealed class Settings : StorageSettings
    {
        [CommandOption("--beamtime <NAME>")]
        [Description("Only this beamtime (default: all).")]
        public string? Beamtime { get; init; }

        [CommandOption("--json")]
        [Description("Everything (run parameters, full reasons, times) as JSON on stdout.")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken, quiet: settings.Json);
        var storage = session.Storage;
        var runRows = new List<RunRow>();
        await foreach (var run in storage.Runs.QueryAsync<RunRow>(r => settings.Beamtime == null || r.PartitionKey == settings.Beamtime,
                           cancellationToken: cancellationToken))
            if (run.RowKey != RunRow.LatestRowKey) runRows.Add(run);
        runRows.Sort((a, b) => Nullable.Compare(a.CreatedUtc, b.CreatedUtc));
        var seriesRows = new List<SeriesRow>();
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => settings.Beamtime == null || r.PartitionKey == settings.Beamtime,
                           cancellationToken: cancellationToken))
            seriesRows.Add(row);

        var live = await LiveSeriesStatus.LoadAsync(storage, seriesRows, cancellationToken);

        // Non-zero when the newest run of a listed beamtime did not complete cleanly (RunExitCode).
        int exitCode = RunExitCode.Worst(runRows.GroupBy(r => r.PartitionKey).Select(g => g.Last().Status));
        if (settings.Json)
        {
            Console.WriteLine(new JsonObject
            {
                ["runs"] = new JsonArray([.. runRows.Select(r => (JsonNode)new JsonObject
                {
                    ["beamtime"] = r.PartitionKey, ["run_id"] = r.RunId, ["status"] = r.Status.Name(), ["series_analysed"] = r.SeriesAnalysed,
                    ["series_failed"] = r.SeriesFailed, ["series_unresolvable"] = r.SeriesUnresolvable, ["created_utc"] = r.CreatedUtc,
                    ["completed_utc"] = r.CompletedUtc, ["result_prefix"] = r.ResultPrefix, ["instance_id"] = r.InstanceId, ["reason"] = r.Reason,
                    ["parameters"] = JsonNode.Parse(string.IsNullOrEmpty(r.ParametersJson) ? "{}" : r.ParametersJson),
                })]),
                ["series"] = new JsonArray([.. seriesRows.Select(s => (JsonNode)new JsonObject
                {
                    ["beamtime"] = s.PartitionKey, ["series"] = s.RowKey, ["status"] = s.Status.Name(), ["chunks_expected"] = s.ChunksExpected,
                    ["analysis_id"] = s.AnalysisId, ["speed_A_per_s"] = s.SpeedAPerS, ["speed_err_A_per_s"] = s.SpeedErrAPerS,
                    ["resolvable"] = s.Resolvable, ["reason"] = s.Reason, ["missing_chunks"] = s.MissingChunks,
                })]),
                ["live"] = LiveSeriesStatus.ToJson(live),
            }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return exitCode;
        }

        // Fits 100 columns: the run parameters and long reasons are in --json.
        var runs = new Table().AddColumns("beamtime", "run", "status", "analysed", "failed", "created (UTC)");
        foreach (var run in runRows)
            runs.AddRow(Markup.Escape(run.PartitionKey), Markup.Escape(run.RunId), run.Status.Name(), $"{run.SeriesAnalysed}", $"{run.SeriesFailed}",
                $"{run.CreatedUtc:yyyy-MM-dd HH:mm:ss}");
        AnsiConsole.Write(runs);
        var series = new Table().AddColumns("beamtime", "series", "status", "chunks", "speed A/s", "reason");
        foreach (var row in seriesRows)
        {
            string speed = row.SpeedAPerS is { } v ? $"{v:0.00} ± {row.SpeedErrAPerS:0.00}" : row.Resolvable == false ? "not resolvable" : "";
            string reason = row.Reason ?? row.MissingChunks ?? "";
            if (reason.Length > ReasonWidth) reason = reason[..(ReasonWidth - 1)] + "…";
            series.AddRow(Markup.Escape(row.PartitionKey), Markup.Escape(row.RowKey), row.Status.Name(),
                row.ChunksExpected < 0 ? "?" : $"{row.ChunksExpected}", speed, Markup.Escape(reason));
        }
        AnsiConsole.Write(series);
        if (live.Count > 0) AnsiConsole.Write(LiveSeriesStatus.Table(live, DateTimeOffset.UtcNow));
        if (runRows.Count + seriesRows.Count > 0) Console.WriteLine("(status --json shows run parameters and full reasons)");
        return exitCode;
    }
}
