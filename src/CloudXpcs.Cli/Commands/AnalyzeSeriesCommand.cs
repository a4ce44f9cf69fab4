using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs analyze-series --series DIR/series.json --out OUT</c>: correlation and heterodyne fit into OUT/g2.h5 and OUT/fit.json.</summary>
public sealed class AnalyzeSeriesCommand : Command<AnalyzeSeriesCommand.Settings>
{
    public sealed class Settings : TwoTimeCommandSettings
    {
        [CommandOption("--series <SERIES_JSON>")]
        [Description("series.json of a contract series folder (or the folder itself), or an APS 8-ID-I beamline result file (.hdf/.h5: fitted, not correlated again).")]
        public string? Series { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output folder: g2.h5 (DATA_CONTRACT 5.1) and fit.json (5.2) are written there, only when the whole analysis succeeded.")]
        public string? Out { get; init; }

        [CommandOption("--concentration-M <M>")]
        [Description("Salt concentration (M) for the anion velocities (default: cell.initial_concentration_M of the beamtime the series sits in, else 1.87).")]
        public double? ConcentrationM { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Correlation threads (default: all cores).")]
        public int Threads { get; init; } = -1;

        [CommandOption("--age-windows <N>")]
        [Description("Two-time: time windows for the age-resolved speed (default 4).")]
        public int AgeWindows { get; init; } = 4;

        public override ValidationResult Validate()
        {
            if (ValidateTwoTime() is { Successful: false } twoTime) return twoTime;
            if (AgeWindows is < 1 or > CloudXpcs.Pipeline.Contracts.TwoTimeParameters.MaxAgeWindows)
                return ValidationResult.Error($"--age-windows must be in 1..{CloudXpcs.Pipeline.Contracts.TwoTimeParameters.MaxAgeWindows}, got {AgeWindows}");
            if (string.IsNullOrWhiteSpace(Series)) return ValidationResult.Error("--series SERIES_JSON is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (ConcentrationM is { } c && !(c > 0 && c < FitCommand.MaxConcentrationM)) return ValidationResult.Error($"--concentration-M must be in (0, {FitCommand.MaxConcentrationM:G4}) M (below pure salt), got {c}");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (BeamlineResultAnalysis.IsResultFilePath(settings.Series!))
        {
            var beamline = BeamlineResultAnalysis.AnalyzeToFolder(settings.Series!, settings.Out!);
            foreach (string line in BeamlineFitSummary.Lines(beamline)) Console.WriteLine(line);
            Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.G2FileName))}");
            Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.FitFileName))}");
            return 0;
        }
        string folder = CorrelateCommand.SeriesFolder(settings.Series!);
        if (ResultSeriesManifest.IsResultSeries(Path.Combine(folder, SeriesManifest.FileName)))
        {
            var given = ResultSeriesAnalysis.AnalyzeToFolder(folder, settings.Out!, settings.ConcentrationM);
            Console.WriteLine(SpeedLine(given.Document) + $" (from the result file {given.Series.ResultPath}: correlation skipped)");
            Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.G2FileName))}");
            Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.FitFileName))}");
            return 0;
        }
        var manifest = SeriesManifest.Load(Path.Combine(folder, SeriesManifest.FileName));
        var options = new SeriesAnalysisOptions
        {
            Correlation = new SeriesCorrelationOptions
            {
                Threads = settings.Threads, StatePool = ProcessCorrelatorStates.Pool,
                TwoTime = settings.TwoTimeOptions(),
            },
            ConcentrationM = settings.ConcentrationM,
            AgeWindows = settings.AgeWindows,
        };
        var result = ProgressReporting.Run($"analyzing {manifest.Series}", manifest.Frames,
            progress => SeriesAnalysis.AnalyzeToFolder(folder, settings.Out!, options, new CorrelateCommand.FramesProgress(progress)));
        Console.WriteLine(SpeedLine(result.Document));
        foreach (var w in result.Document.AgeResolvedSpeed ?? [])
            Console.WriteLine(FormattableString.Invariant($"  age {w.AgeS:G4} s ({w.StartS:G4}-{w.EndS:G4} s): ") + (w.Velocity is { Resolvable: true, SpeedAPerS: { } v }
                ? FormattableString.Invariant($"speed {v:G4} ± {w.Velocity.SpeedErrAPerS:G2} A/s") : $"not resolvable: {w.Velocity.Reason}"));
        Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.G2FileName))}");
        Console.WriteLine($"wrote {Path.GetFullPath(Path.Combine(settings.Out!, SeriesAnalysis.FitFileName))}");
        return 0;
    }

    /// <summary>"{series}: speed 30.2 ± 0.4 A/s ..." or "{series}: not resolvable (minimum resolvable speed X A/s): reason".</summary>
    public static string SpeedLine(FitDocument document)
    {
        var v = document.Velocity;
        string minimum = v.MinResolvableSpeedAPerS is { } m ? m.ToString("G3", CultureInfo.InvariantCulture) : "unknown";
        if (!v.Resolvable || v.SpeedAPerS is not { } speed)
            return $"{document.Series}: not resolvable (minimum resolvable speed {minimum} A/s): {v.Reason}";
        string anion = document.Anion is { } a
            ? $"; anion {a.VTfsiLabAPerS.ToString("G4", CultureInfo.InvariantCulture)} A/s lab, {a.VTfsiSolventFrameAPerS.ToString("G4", CultureInfo.InvariantCulture)} A/s solvent frame (epsilon {a.Epsilon.ToString("G3", CultureInfo.InvariantCulture)} at {a.ConcentrationM?.ToString("G3", CultureInfo.InvariantCulture)} M)"
            : "";
        return $"{document.Series}: speed {speed.ToString("G4", CultureInfo.InvariantCulture)} ± {v.SpeedErrAPerS?.ToString("G2", CultureInfo.InvariantCulture)} A/s " +
               $"from {v.UsedBins} bins (minimum resolvable speed {minimum} A/s){anion}";
    }
}
