using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Transport;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary>Simulates the Li | polymer electrolyte | Li cell with one transport set and writes simulations/{set}.json.</summary>
public sealed class SimulateCellCommand : Command<SimulateCellCommand.Settings>
{
    // Limits against options that would exhaust memory or time (1e9 cells or minutes) or drive the model off its domain.
    public const int MinCells = 4, MaxCells = 10_000;
    public const double MaxMinutes = 1e6, MaxOutputs = 100_000, MaxVoltageV = 10, MaxCurrentMAPerCm2 = 1000;

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--set <SET>")]
        [Description("Transport set: PNB, RS, Edman2000, or a transport JSON file (DATA_CONTRACT section 6).")]
        public string? Set { get; init; }

        [CommandOption("--voltage-V <VOLTS>")]
        [Description("Constant cell voltage (default 0.3 V).")]
        public double? VoltageV { get; init; }

        [CommandOption("--current-mA-cm2 <CURRENT>")]
        [Description("Constant current density instead of constant voltage.")]
        public double? CurrentMAPerCm2 { get; init; }

        [CommandOption("--length-mm <MM>")]
        [DefaultValue(3.0)]
        public double LengthMm { get; init; } = 3.0;

        [CommandOption("--minutes <MIN>")]
        [DefaultValue(1000.0)]
        public double Minutes { get; init; } = 1000.0;

        [CommandOption("--output-every-min <MIN>")]
        [Description("Interval between reported profiles and currents.")]
        [DefaultValue(10.0)]
        public double OutputEveryMin { get; init; } = 10.0;

        [CommandOption("--initial-concentration-M <M>")]
        [DefaultValue(1.87)]
        public double InitialConcentrationM { get; init; } = 1.87;

        [CommandOption("--interfacial-resistance-ohm-cm2 <R>")]
        [Description("Overrides the set's interfacial resistance.")]
        public double? InterfacialResistanceOhmCm2 { get; init; }

        [CommandOption("--temperature-C <C>")]
        [DefaultValue(90.0)]
        public double TemperatureC { get; init; } = 90.0;

        [CommandOption("--positions-mm <LIST>")]
        [Description("Comma-separated positions from the cell centre for velocities.")]
        [DefaultValue("-0.85,-0.5,-0.15,0.2,0.55")]
        public string PositionsMm { get; init; } = "-0.85,-0.5,-0.15,0.2,0.55";

        [CommandOption("--stripping-side <SIDE>")]
        [Description("-1: stripping electrode at -L/2 (default); +1: at +L/2.")]
        [DefaultValue(-1)]
        public int StrippingSide { get; init; } = -1;

        [CommandOption("--cells <N>")]
        [DefaultValue(96)]
        public int Cells { get; init; } = 96;

        [CommandOption("--csv <DIR>")]
        [Description("Also write CSV files into this folder.")]
        public string? CsvDirectory { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Output simulations/{set}.json file.")]
        public string? Out { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Set)) return ValidationResult.Error("--set is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
            if (VoltageV is not null && CurrentMAPerCm2 is not null) return ValidationResult.Error("give either --voltage-V or --current-mA-cm2, not both");
            if (!(OutputEveryMin > 0 && double.IsFinite(OutputEveryMin))) return ValidationResult.Error("--output-every-min must be > 0");
            if (VoltageV is { } v && !(Math.Abs(v) <= MaxVoltageV)) return ValidationResult.Error($"--voltage-V must be within ±{MaxVoltageV} V, got {v}");
            if (CurrentMAPerCm2 is { } i && !(Math.Abs(i) <= MaxCurrentMAPerCm2)) return ValidationResult.Error($"--current-mA-cm2 must be within ±{MaxCurrentMAPerCm2} mA/cm2, got {i}");
            if (!(LengthMm > 0 && LengthMm <= 1000)) return ValidationResult.Error($"--length-mm must be in (0, 1000] mm, got {LengthMm}");
            if (!(Minutes > 0 && Minutes <= MaxMinutes)) return ValidationResult.Error($"--minutes must be in (0, {MaxMinutes}] min, got {Minutes}");
            if (!(Minutes / OutputEveryMin <= MaxOutputs)) return ValidationResult.Error($"--output-every-min {OutputEveryMin} gives more than {MaxOutputs} outputs over {Minutes} min");
            if (!(InitialConcentrationM > 0 && double.IsFinite(InitialConcentrationM))) return ValidationResult.Error($"--initial-concentration-M must be positive, got {InitialConcentrationM}");
            if (InterfacialResistanceOhmCm2 is { } r && !(r >= 0 && double.IsFinite(r))) return ValidationResult.Error($"--interfacial-resistance-ohm-cm2 must be >= 0, got {r}");
            if (!(TemperatureC > -273.15 && TemperatureC <= 1000)) return ValidationResult.Error($"--temperature-C must be in (-273.15, 1000], got {TemperatureC}");
            if (StrippingSide is not (-1 or 1)) return ValidationResult.Error($"--stripping-side must be -1 or +1, got {StrippingSide}");
            if (Cells is < MinCells or > MaxCells) return ValidationResult.Error($"--cells must be in {MinCells}..{MaxCells}, got {Cells}");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var set = ResolveSet(settings.Set!);
        double durationS = settings.Minutes * 60;
        int outputs = (int)Math.Floor(settings.Minutes / settings.OutputEveryMin + 1e-9);
        var times = Enumerable.Range(0, outputs + 1).Select(k => k * settings.OutputEveryMin * 60).ToList();
        if (times[^1] < durationS * (1 - 1e-12)) times.Add(durationS);
        var spec = new CellSimulationSpec
        {
            Transport = set,
            Drive = settings.CurrentMAPerCm2 is double currentMA ? new ConstantCurrent(currentMA * 10) : new ConstantVoltage(settings.VoltageV ?? 0.3),
            LengthM = settings.LengthMm * 1e-3,
            TemperatureK = settings.TemperatureC + 273.15,
            InitialConcentrationMolPerM3 = settings.InitialConcentrationM * 1000,
            DurationS = durationS,
            OutputTimesS = times,
            PositionsMm = ParsePositions(settings.PositionsMm, settings.LengthMm),
            StrippingElectrodeSide = settings.StrippingSide,
            InterfacialResistanceOhmM2 = settings.InterfacialResistanceOhmCm2 * 1e-4,
            CellCount = settings.Cells,
        };
        CellSimulationResult result;
        try { result = ContinuumCellSolver.Simulate(spec); }
        catch (DiffusionLimitedCurrentException ex)
        {
            string option = settings.CurrentMAPerCm2 is null ? "--voltage-V" : "--current-mA-cm2";
            throw new ArgumentException($"{option}: {ex.Message}", ex);
        }
        SimulationJson.Write(result, settings.Out!);
        if (settings.CsvDirectory is not null) SimulationCsv.Write(result, settings.CsvDirectory);
        foreach (string warning in result.Warnings) AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        AnsiConsole.MarkupLineInterpolated(
            $"{result.TransportSetName}: i = {result.CurrentDensityAPerM2[0] / 10:F3} -> {result.CurrentDensityAPerM2[^1] / 10:F3} mA/cm2 over {settings.Minutes} min ({result.CellCount} cells, {result.AcceptedSteps} steps); wrote {settings.Out}");
        return 0;
    }

    private static TransportSet ResolveSet(string set) =>
        BuiltInTransportSets.IsBuiltIn(set) ? BuiltInTransportSets.Get(set)
        : File.Exists(set) ? TransportSetJson.Load(set)
        : throw new ArgumentException($"--set '{set}' is neither a built-in set ({string.Join(", ", BuiltInTransportSets.Names)}) nor an existing JSON file");

    private static double[] ParsePositions(string list, double lengthMm) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
            !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v)
                ? throw new ArgumentException($"--positions-mm: '{s}' is not a number")
                : Math.Abs(v) > lengthMm / 2 ? throw new ArgumentException($"--positions-mm: {s} mm is outside the {lengthMm} mm cell (|position| <= {lengthMm / 2} mm from the centre)")
                : v).ToArray();
}
