using System.ComponentModel;
using CloudXpcs.Pipeline.Storage;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary><c>cloudxpcs status [--beamtime NAME]</c>: runs and series from the Table index.</summary>
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--beamtime <NAME>")]
        [Description("Only this beamtime (default: all).")]
        public string? Beamtime { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken);
        var storage = session.Storage;
        var runs = new Table().AddColumns("beamtime", "run", "status", "analysed", "failed", "created (UTC)", "parameters");
        await foreach (var run in storage.Runs.QueryAsync<RunRow>(r => settings.Beamtime == null || r.PartitionKey == settings.Beamtime,
                           cancellationToken: cancellationToken))
        {
            if (run.RowKey == RunRow.LatestRowKey) continue;
            runs.AddRow(Markup.Escape(run.PartitionKey), Markup.Escape(run.RunId), run.Status, $"{run.SeriesAnalysed}", $"{run.SeriesFailed}",
                $"{run.CreatedUtc:yyyy-MM-dd HH:mm:ss}", Markup.Escape(run.ParametersJson));
        }
        AnsiConsole.Write(runs);
        var series = new Table().AddColumns("beamtime", "series", "status", "chunks", "speed A/s", "reason");
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => settings.Beamtime == null || r.PartitionKey == settings.Beamtime,
                           cancellationToken: cancellationToken))
        {
            string speed = row.SpeedAPerS is { } v ? $"{v:0.00} ± {row.SpeedErrAPerS:0.00}" : row.Resolvable == false ? "not resolvable" : "";
            series.AddRow(Markup.Escape(row.PartitionKey), Markup.Escape(row.RowKey), row.Status,
                row.ChunksExpected < 0 ? "?" : $"{row.ChunksExpected}", speed, Markup.Escape(row.Reason ?? row.MissingChunks));
        }
        AnsiConsole.Write(series);
        return 0;
    }
}
