using System.ComponentModel;
using CloudXpcs.Analysis.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs simulate-beamtime --out DIR</c>: a whole synthetic beamtime following a continuum-model run.</summary>
public sealed class SimulateBeamtimeCommand : Command<SimulateBeamtimeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Beamtime folder to write (beamtime.json, echem.csv, xam/, xpcs/, truth.json).")]
        public string? Out { get; init; }

        [CommandOption("--set <NAME>")]
        [Description("Transport set whose continuum run the measurements follow (default RS).")]
        public string Set { get; init; } = "RS";

        [CommandOption("--frames <N>")]
        [Description("Frames per XPCS series (default 1024).")]
        public int Frames { get; init; } = 1024;

        [CommandOption("--seed <N>")]
        [Description("Random seed (default 2020).")]
        public int Seed { get; init; } = 2020;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("--out DIR is required")
            // checked before anything is written, so that no partial beamtime is left behind
            : Frames < 2 ? ValidationResult.Error($"--frames must be >= 2, got {Frames}")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var spec = new SyntheticBeamtimeSpec { TruthSet = settings.Set, Frames = settings.Frames, Seed = settings.Seed };
        var beamtime = Write(settings.Out!, spec);
        AnsiConsole.WriteLine($"simulate-beamtime: {beamtime.Series.Count} XPCS series, {spec.XamTimesMin.Count} XAM scans, echem.csv, following the {spec.TruthSet} continuum run");
        AnsiConsole.WriteLine($"wrote {Path.GetFullPath(beamtime.Folder)}");
        return 0;
    }

    /// <summary>Writes the beamtime with a progress bar (one step per series).</summary>
    public static SyntheticBeamtime Write(string folder, SyntheticBeamtimeSpec spec) =>
        ProgressReporting.Run("simulating beamtime", spec.SeriesTimesMin.Count * 5 + 2, progress =>
        {
            int done = 0;
            return SyntheticBeamtimeWriter.Write(folder, spec, _ => progress.Report(done++));
        });
}
