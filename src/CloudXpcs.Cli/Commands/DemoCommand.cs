using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Data.Analysis;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Synthetic;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary>
/// <c>cloudxpcs demo [--out DIR]</c>, the main job (offline until the durable pipeline lands): the study's cell is
/// simulated with the continuum model, synthetic heterodyne XPCS series are made at its five beam positions and two
/// polarization times with the polymer speeds it predicts, every series is correlated and fitted, and the continuum
/// model is run for each transport set of the beamtime. Inputs and results follow the data contract's layout.
/// </summary>
public sealed class DemoCommand : Command<DemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Output folder (default out/demo); holds beamtime/ (inputs) and results/ (outputs).")]
        public string Out { get; init; } = Path.Combine("out", "demo");

        [CommandOption("--frames <N>")]
        [Description("Frames per XPCS series (default 1024).")]
        public int Frames { get; init; } = 1024;

        [CommandOption("--seed <N>")]
        [Description("Random seed of the synthetic series (default 2020).")]
        public int Seed { get; init; } = 2020;
    }

    private const string Beamtime = "demo-beamtime";
    private static readonly double[] TimesMin = [60, 300];
    private static readonly string[] TransportSets = ["PNB", "RS"];
    // The set whose predicted speeds drive the synthetic series: the study found it closer to the data.
    private const string TruthSet = "RS";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string root = Path.GetFullPath(settings.Out);
        string inputs = Path.Combine(root, "beamtime", Beamtime);
        string results = Path.Combine(root, "results", Beamtime);
        Directory.CreateDirectory(inputs);
        Directory.CreateDirectory(results);
        var cell = new BeamtimeCell(LengthMm: 3.0, VoltageV: 0.3, TemperatureC: 90, RInitial: 0.1, InitialConcentrationM: 1.87);
        new BeamtimeManifest
        {
            Beamtime = Beamtime, Cell = cell, StrippingElectrodeSide = -1, TransportSets = TransportSets,
        }.Save(Path.Combine(inputs, "beamtime.json"));

        var simulations = TransportSets.ToDictionary(set => set, set => SimulateCell(set, results));
        var truth = simulations[TruthSet];
        var rows = new List<string[]>();
        int seed = settings.Seed;
        foreach (double timeMin in TimesMin)
        {
            int t = Array.FindIndex(truth.TimesS, s => Math.Abs(s - timeMin * 60) < 1e-6);
            for (int p = 0; p < truth.PositionsMm.Length; p++)
            {
                double positionMm = truth.PositionsMm[p];
                double speedAPerS = Math.Abs(truth.SolventVelocityLabMPerS[p][t]) * 1e10;
                string series = string.Create(CultureInfo.InvariantCulture, $"x{positionMm:+0.00;-0.00}_t{timeMin:0000}");
                string seriesFolder = Path.Combine(inputs, "xpcs", series);
                var spec = new HeterodyneSeriesSpec
                {
                    Geometry = ReducedDetector.ContractExampleBinned(4),
                    Frames = settings.Frames, FrameTimeS = 0.2, SpeedAPerS = speedAPerS,
                    ContrastBeta = 0.2, HeterodyneFraction = 0.5, Tau0S = 300, MeanCountsPerPixelPerFrame = 0.5,
                    Seed = seed++, PositionMm = positionMm, PolarizationTimeMin = timeMin,
                };
                var analysis = ProgressReporting.Run($"series {series}", 2, progress =>
                {
                    SyntheticSeriesWriter.Write(seriesFolder, Beamtime, series, spec, chunks: 2);
                    progress.Report(1);
                    return SeriesAnalysis.AnalyzeToFolder(seriesFolder, Path.Combine(results, "xpcs", series));
                });
                var velocity = analysis.Fit.Velocity;
                rows.Add(velocity is { Resolvable: true, SpeedAPerS: double v, SpeedErrAPerS: double e }
                    ? [series, F(positionMm), F(timeMin), F(speedAPerS), $"{F(v)} ± {e:0.000}", F((v - speedAPerS) / e)]
                    : [series, F(positionMm), F(timeMin), F(speedAPerS), "not resolvable", ""]);
            }
        }

        var table = new Table().AddColumns("series", "position mm", "time min", "true v A/s", "fitted v A/s", "(fit-true)/sigma");
        foreach (var row in rows) table.AddRow(row);
        AnsiConsole.Write(table);
        foreach (var (set, sim) in simulations)
            AnsiConsole.WriteLine($"continuum model {set}: i = {sim.CurrentDensityAPerM2[0] / 10:0.000} -> {sim.CurrentDensityAPerM2[^1] / 10:0.000} mA/cm2 over {sim.TimesS[^1] / 60:0} min");
        AnsiConsole.WriteLine($"demo finished in {clock.Elapsed.TotalSeconds:0.0} s");
        AnsiConsole.WriteLine($"inputs:  {inputs}");
        AnsiConsole.WriteLine($"results: {results} (xpcs/<series>/g2.h5 and fit.json, simulations/<set>.json)");
        return 0;
    }

    private static CellSimulationResult SimulateCell(string set, string results)
    {
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec
        {
            Transport = BuiltInTransportSets.Get(set),
            OutputTimesS = Enumerable.Range(0, 101).Select(i => i * 600.0).ToArray(),
        });
        SimulationJson.Write(result, Path.Combine(results, SimulationJson.RelativePath(set)));
        return result;
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
