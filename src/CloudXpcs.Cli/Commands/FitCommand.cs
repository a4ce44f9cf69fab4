using System.ComponentModel;
using CloudXpcs.Analysis.Xpcs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary>
/// <c>cloudxpcs fit --g2 g2.h5 --series series.json --out fit.json</c>: heterodyne fit of a correlated series;
/// <c>cloudxpcs fit --g2 RESULT.hdf --out fit.json</c>: of an APS 8-ID-I beamline result file (no series.json).
/// </summary>
public sealed class FitCommand : Command<FitCommand.Settings>
{
    /// <summary>Pure salt (the volume limit of the default partial molar volumes): no electrolyte is more concentrated.</summary>
    public static readonly double MaxConcentrationM = 1000.0 / CloudXpcs.Science.Electrolyte.PartialMolarVolumes.Study.SaltCm3PerMol;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--g2 <G2_H5>")]
        [Description("g2.h5 of the series (DATA_CONTRACT 5.1), e.g. from 'cloudxpcs correlate', or a beamline result file of the APS 8-ID-I layout.")]
        public string? G2 { get; init; }

        [CommandOption("--series <SERIES_JSON>")]
        [Description("series.json the g2.h5 was correlated from (frames and delays per level give each delay's averaging width); omitted for a beamline result file.")]
        public string? Series { get; init; }

        [CommandOption("--out <FIT_JSON>")]
        [Description("Output fit.json (DATA_CONTRACT 5.2). Written under a temporary name, then renamed.")]
        public string? Out { get; init; }

        [CommandOption("--concentration-M <M>")]
        [Description("Salt concentration (M) for the anion velocities (default: cell.initial_concentration_M of the beamtime the series sits in, else 1.87).")]
        public double? ConcentrationM { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(G2)) return ValidationResult.Error("--g2 G2_H5 is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out FIT_JSON is required");
            if (ConcentrationM is { } c && !(c > 0 && c < MaxConcentrationM)) return ValidationResult.Error($"--concentration-M must be in (0, {MaxConcentrationM:G4}) M (below pure salt), got {c}");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(settings.Series))
        {
            var beamline = BeamlineResultAnalysis.FitToJson(settings.G2!, settings.Out!);
            foreach (string line in BeamlineFitSummary.Lines(beamline)) Console.WriteLine(line);
            Console.WriteLine($"wrote {Path.GetFullPath(settings.Out!)}");
            return 0;
        }
        string seriesJson = Directory.Exists(settings.Series!) ? Path.Combine(settings.Series!, Data.Manifests.SeriesManifest.FileName) : settings.Series!;
        var result = SeriesAnalysis.FitG2FileToJson(settings.G2!, seriesJson, settings.Out!,
            new SeriesAnalysisOptions { ConcentrationM = settings.ConcentrationM });
        Console.WriteLine(AnalyzeSeriesCommand.SpeedLine(result.Document));
        Console.WriteLine($"wrote {Path.GetFullPath(settings.Out!)}");
        return 0;
    }
}
