using System.ComponentModel;
using CloudXpcs.Data.Xam;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs xam --beamtime DIR [--out FILE]</c>: XAM raster scans → salt concentration profiles.</summary>
public sealed class XamCommand : Command<XamCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--beamtime <DIR>")]
        [Description("Beamtime folder holding xam/calibration.json and xam/{scan}.csv.")]
        public string? Beamtime { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Output CSV (time_min,position_mm,concentration_M,concentration_err_M); default {beamtime}/xam/profiles.csv.")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Beamtime) ? ValidationResult.Error("--beamtime DIR is required") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var result = XamBeamtime.Process(settings.Beamtime!, settings.Out);
        var conversion = result.Conversion;
        AnsiConsole.WriteLine($"xam: {result.ScanCount} scans, reference {result.ReferenceScanName}; " +
                              $"wrote {conversion.Profiles.Count} points to {result.OutputPath}");
        foreach (var scan in conversion.Scans)
            AnsiConsole.WriteLine($"  {scan.Name}: t = {scan.TimeMin:F1} min, {scan.PositionCount} positions, " +
                                  $"mean {scan.MeanConcentrationM:F4} M, {scan.RejectedPointCount} points rejected" +
                                  (scan.RepeatedPointCount > 0 ? $", {scan.RepeatedPointCount} repeated point{(scan.RepeatedPointCount == 1 ? "" : "s")} averaged into their position" : ""));
        const int shown = 10;
        foreach (var rejected in conversion.Rejected.Take(shown))
            Console.Error.WriteLine($"warning: {rejected.ScanName}: point at {rejected.Point.PositionMm} mm, " +
                                    $"t = {rejected.Point.TimeMin} min rejected: {rejected.Reason}");
        if (conversion.Rejected.Count > shown)
            Console.Error.WriteLine($"warning: {conversion.Rejected.Count - shown} more points rejected");
        return 0;
    }
}
