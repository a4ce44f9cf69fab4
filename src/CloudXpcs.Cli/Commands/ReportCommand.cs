using System.ComponentModel;
using CloudXpcs.Reporting;
using CloudXpcs.Reporting.Figures;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary>
/// <c>cloudxpcs report --run DIR</c>: RUN/report/index.html with the study's figures for one run folder (contract
/// section 5 layout: xpcs/*/g2.h5 and fit.json, xam/profiles.csv, simulations/*.json, comparison.json,
/// inference.json, run.json; every part optional).
/// </summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--run <DIR>")]
        [Description("Run folder (e.g. out/demo/results/demo-beamtime); the report goes to DIR/report/index.html.")]
        public string Run { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Run) ? ValidationResult.Error("--run DIR is required")
            : !Directory.Exists(Run) ? ValidationResult.Error($"{Run}: run folder not found (give the folder a run was downloaded to, e.g. out/demo/results/demo-beamtime)")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var summary = Write(settings.Run);
        foreach (string section in summary.MissingSections)
            AnsiConsole.WriteLine($"report: {section}: {ReportContent.NotAvailable}");
        return 0;
    }

    /// <summary>Writes the report of a run folder with progress, and prints where it is and how many figures it has.</summary>
    public static ReportSummary Write(string runDir)
    {
        var summary = ProgressReporting.Run("writing report", 1.0, progress =>
            RunReport.Write(runDir, new ReportOptions
            {
                ToolVersion = VersionCommand.Text,
                FiguresDone = (done, total) => progress.Report((double)done / total),
            }));
        AnsiConsole.WriteLine($"report: {summary.IndexPath} ({summary.FigureCount} figures)");
        return summary;
    }
}
