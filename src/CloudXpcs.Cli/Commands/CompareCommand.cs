using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Science.Comparison;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Analysis.Comparison;

namespace CloudXpcs.Cli.Commands;

/// <summary>Error floors of the weighted χ² (comparison score and inference misfit), shared by compare and infer.</summary>
public class MisfitSettings : CommandSettings
{
    [CommandOption("--current-rel-err <FRACTION>")]
    [Description("σ of each current reading relative to |i| (default 0.02).")]
    [DefaultValue(0.02)]
    public double CurrentRelativeError { get; init; } = 0.02;

    [CommandOption("--concentration-err-floor-M <M>")]
    [Description("Smallest σ of a profile concentration (default 0.03 M).")]
    [DefaultValue(0.03)]
    public double ConcentrationErrorFloorM { get; init; } = 0.03;

    [CommandOption("--velocity-rel-err-floor <FRACTION>")]
    [Description("Smallest σ of a velocity relative to |v| (default 0.10).")]
    [DefaultValue(0.10)]
    public double VelocityRelativeErrorFloor { get; init; } = 0.10;

    [CommandOption("--velocity-err-floor-A-per-s <V>")]
    [Description("Smallest σ of a velocity (default 3 A/s).")]
    [DefaultValue(3.0)]
    public double VelocityErrorFloorAPerS { get; init; } = 3.0;

    [CommandOption("--cells <N>")]
    [Description("Finite-volume cells of each simulation (default 96).")]
    [DefaultValue(96)]
    public int Cells { get; init; } = 96;

    /// <summary>Each misfit option finite and in range, refused naming the option (not the model's parameter).</summary>
    protected ValidationResult ValidateMisfit()
    {
        if (!(CurrentRelativeError > 0 && CurrentRelativeError <= 10)) return ValidationResult.Error($"--current-rel-err must be in (0, 10], got {CurrentRelativeError}");
        if (!(ConcentrationErrorFloorM > 0 && ConcentrationErrorFloorM <= 10)) return ValidationResult.Error($"--concentration-err-floor-M must be in (0, 10] M, got {ConcentrationErrorFloorM}");
        if (!(VelocityRelativeErrorFloor > 0 && VelocityRelativeErrorFloor <= 10)) return ValidationResult.Error($"--velocity-rel-err-floor must be in (0, 10], got {VelocityRelativeErrorFloor}");
        if (!(VelocityErrorFloorAPerS > 0 && VelocityErrorFloorAPerS <= 1e6)) return ValidationResult.Error($"--velocity-err-floor-A-per-s must be in (0, 1e6] A/s, got {VelocityErrorFloorAPerS}");
        if (Cells is < SimulateCellCommand.MinCells or > SimulateCellCommand.MaxCells) return ValidationResult.Error($"--cells must be in {SimulateCellCommand.MinCells}..{SimulateCellCommand.MaxCells}, got {Cells}");
        return ValidationResult.Success();
    }

    public MisfitOptions Misfit => new()
    {
        CurrentRelativeError = CurrentRelativeError, ConcentrationErrorFloorM = ConcentrationErrorFloorM,
        VelocityRelativeErrorFloor = VelocityRelativeErrorFloor, VelocityErrorFloorAPerS = VelocityErrorFloorAPerS,
    };
}

/// <summary>
/// <c>cloudxpcs compare --beamtime DIR [--results RUNDIR] --sets PNB,RS --out DIR2</c>: one simulation per set at the
/// measurement times (DIR2/simulations/{set}.json, reused when present), compared with every measurement
/// (DIR2/comparison.json), and a ranking of the sets.
/// </summary>
public sealed class CompareCommand : Command<CompareCommand.Settings>
{
    public sealed class Settings : MisfitSettings
    {
        [CommandOption("--beamtime <DIR>")]
        [Description("Beamtime inputs folder (beamtime.json, echem.csv, measured/*.csv).")]
        public string? Beamtime { get; init; }

        [CommandOption("--results <RUNDIR>")]
        [Description("Run folder with the pipeline's own results (xpcs/*/fit.json, xam/profiles.csv); they take precedence over measured/*.csv.")]
        public string? Results { get; init; }

        [CommandOption("--sets <LIST>")]
        [Description("Comma-separated transport sets (built-in names or transport JSON files); default: the beamtime's transport_sets.")]
        public string? Sets { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output folder: simulations/{set}.json and comparison.json.")]
        public string? Out { get; init; }

        [CommandOption("--window-min <START,END>")]
        [Description("Time window of the velocity ratios (default 200,400 min).")]
        [DefaultValue("200,400")]
        public string WindowMin { get; init; } = "200,400";

        [CommandOption("--resimulate")]
        [Description("Simulate even when OUT/simulations/{set}.json exists.")]
        public bool Resimulate { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Beamtime)) return ValidationResult.Error("--beamtime is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
            return ValidateMisfit();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var window = ParseNumbers(settings.WindowMin, "--window-min");
        if (window.Length != 2) throw new ArgumentException($"--window-min: expected START,END, got '{settings.WindowMin}'");
        if (!(window[1] > window[0])) throw new ArgumentException($"--window-min: the end must be after the start, got '{settings.WindowMin}'");
        var options = new ComparisonFileOptions
        {
            Sets = settings.Sets?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Comparison = new ComparisonOptions { VelocityWindowStartMin = window[0], VelocityWindowEndMin = window[1], Misfit = settings.Misfit },
            CellCount = settings.Cells,
            Resimulate = settings.Resimulate,
        };
        var run = ProgressReporting.Run("simulating and comparing", 1, _ => ComparisonFiles.Run(settings.Beamtime!, settings.Results, settings.Out!, options));
        foreach (string note in run.Beamtime.Notes) AnsiConsole.MarkupLineInterpolated($"[grey]{note}[/]");
        var table = new Table().AddColumns("rank", "set", "score", "i pred/meas (first, last)", "profile RMSE M", "v meas/pred (window)");
        foreach (var rank in run.Comparison.Ranking)
        {
            var s = run.Comparison.Sets.First(x => x.Set == rank.Set);
            var r = s.Current.RatioPredictedToMeasured;
            table.AddRow(rank.Rank.ToString(CultureInfo.InvariantCulture), s.Set, F(s.Score),
                r.Length == 0 ? "-" : $"{F(r[0])}, {F(r[^1])}",
                s.Profiles.Count == 0 ? "-" : s.Profiles.Average(p => p.RmseM).ToString("0.000", CultureInfo.InvariantCulture),
                double.IsNaN(s.Velocities.RatioMean) ? "-" : $"{F(s.Velocities.RatioMean)} ± {F(s.Velocities.RatioStd)}");
        }
        AnsiConsole.Write(table);
        foreach (var rank in run.Comparison.Ranking)
            foreach (string reason in rank.Reasons) AnsiConsole.MarkupLineInterpolated($"{rank.Set}: {reason}");
        AnsiConsole.MarkupLineInterpolated($"simulated {(run.SimulatedSets.Count == 0 ? "none" : string.Join(", ", run.SimulatedSets))}; reused {(run.ReusedSets.Count == 0 ? "none" : string.Join(", ", run.ReusedSets))}; wrote {run.ComparisonPath}");
        return 0;
    }

    internal static double[] ParseNumbers(string list, string option) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
                : throw new ArgumentException($"{option}: '{s}' is not a number")).ToArray();

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
