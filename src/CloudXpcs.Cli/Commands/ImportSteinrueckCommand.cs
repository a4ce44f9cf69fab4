using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Analysis.Import;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs import-steinrueck2020 --from DIR --out DIR2</c>: the study's published curves as a contract beamtime.</summary>
public sealed class ImportSteinrueckCommand : Command<ImportSteinrueckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--from <DIR>")]
        [Description("Folder of the published curves (current_density.csv, t=NNNN.csv, x=N.NN.csv), e.g. ../shared/data/steinrueck2020_operando.")]
        public string? From { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Beamtime folder to write (beamtime.json, echem.csv, measured/profiles.csv, measured/velocities.csv).")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(From) ? ValidationResult.Error("--from is required")
            : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out is required")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var r = SteinrueckImport.Run(settings.From!, settings.Out!);
        AnsiConsole.MarkupLineInterpolated($"wrote {r.Folder}: {r.CurrentPoints} current readings, {r.ProfilePoints} profile points at {r.ProfileTimes} times, {r.VelocityPoints} velocities at {r.VelocityPositions} positions");
        return 0;
    }
}
