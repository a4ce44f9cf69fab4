using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// <c>cloudxpcs demo [--out DIR]</c>, the main job (offline until the durable pipeline lands): the study's cell is
/// simulated with the continuum model and a synthetic beamtime is written from it (simulate-beamtime: XPCS series at
/// five beam positions and two polarization times with the predicted polymer speeds, XAM scans, echem.csv); then the
/// XAM scans become concentration profiles, every series is correlated and fitted, and the continuum model is run for
/// each transport set of the beamtime. Inputs and results follow the data contract's layout.
/// </summary>
public sealed class DemoCommand : AsyncCommand<DemoCommand.Settings>
{
    public sealed class Settings : StorageSettings
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

        [CommandOption("--workers <N>")]
        [Description("Activities run at once by the local durable host (default 2).")]
        public int Workers { get; init; } = 2;

        [CommandOption("--offline")]
        [Description("Analyse on local files in this process instead of through the durable pipeline on Azurite.")]
        public bool Offline { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // Other frames or seeds give other raw data: a beamtime name of their own keeps them apart in the shared store.
        string name = settings.Offline || settings is { Frames: 1024, Seed: 2020 } ? "demo-beamtime" : $"demo-beamtime-f{settings.Frames}-s{settings.Seed}";
        var spec = new SyntheticBeamtimeSpec { Beamtime = name, Frames = settings.Frames, Seed = settings.Seed };
        string root = Path.GetFullPath(settings.Out);
        string inputs = Path.Combine(root, "beamtime", spec.Beamtime);
        string results = Path.Combine(root, "results", spec.Beamtime);
        var beamtime = SimulateBeamtimeCommand.Write(inputs, spec);
        if (!settings.Offline) return await RunThroughPipelineAsync(settings, beamtime, inputs, Path.Combine(root, "results"), clock, cancellationToken);

        var xam = XamBeamtime.Process(inputs, Path.Combine(results, XamProfilesCsv.RunRelativePath));
        var rows = new List<string[]>();
        foreach (var truth in beamtime.Series)
        {
            var analysis = ProgressReporting.Run($"analysing {truth.Series}", spec.Frames, progress =>
                SeriesAnalysis.AnalyzeToFolder(Path.Combine(inputs, SeriesManifest.XpcsFolder, truth.Series), Path.Combine(results, SeriesManifest.XpcsFolder, truth.Series),
                    new SeriesAnalysisOptions { Correlation = new SeriesCorrelationOptions { StatePool = ProcessCorrelatorStates.Pool } },
                    new CorrelateCommand.FramesProgress(progress)));
            var velocity = analysis.Fit.Velocity;
            rows.Add(velocity is { Resolvable: true, SpeedAPerS: double v, SpeedErrAPerS: double e }
                ? [truth.Series, F(truth.SpeedAPerS), $"{F(v)} ± {e:0.000}", F((v - truth.SpeedAPerS) / e)]
                : [truth.Series, F(truth.SpeedAPerS), "not resolvable", ""]);
        }
        var simulations = spec.TransportSets.Select(set => SimulateCell(set, results)).ToList();

        var table = new Table().AddColumns("series", "true v A/s", "fitted v A/s", "(fit-true)/sigma");
        foreach (var row in rows) table.AddRow(row);
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"xam: {xam.Conversion.Profiles.Count} profile points from {xam.ScanCount} scans (reference {xam.ReferenceScanName})");
        foreach (var sim in simulations)
            AnsiConsole.WriteLine($"continuum model {sim.TransportSetName}: i = {sim.CurrentDensityAPerM2[0] / 10:0.000} -> {sim.CurrentDensityAPerM2[^1] / 10:0.000} mA/cm2 over {sim.TimesS[^1] / 60:0} min");
        AnsiConsole.WriteLine($"demo finished in {clock.Elapsed.TotalSeconds:0.0} s");
        AnsiConsole.WriteLine($"inputs:  {inputs}");
        AnsiConsole.WriteLine($"results: {results} (xpcs/<series>/g2.h5 and fit.json, xam/profiles.csv, simulations/<set>.json)");
        ReportCommand.Write(results);
        return 0;
    }

    /// <summary>The main job: the synthetic beamtime uploaded to Azurite and run through the durable pipeline.</summary>
    private static async Task<int> RunThroughPipelineAsync(Settings settings, SyntheticBeamtime beamtime, string inputs, string resultsRoot, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var runSettings = new RunSettings
        {
            Storage = settings.Storage, TaskHub = settings.TaskHub, NamePrefix = settings.NamePrefix, RawContainer = settings.RawContainer,
            ResultsContainer = settings.ResultsContainer, Out = resultsRoot, Workers = settings.Workers,
        };
        await using var session = await StorageSession.OpenAsync(runSettings, cancellationToken);
        var run = await BeamtimeRunner.RunAsync(session, runSettings, Path.GetFileName(inputs), inputs, cancellationToken);
        BeamtimeRunner.PrintSummary(run, session);
        var table = new Table().AddColumns("series", "true v A/s", "fitted v A/s", "(fit-true)/sigma");
        foreach (var truth in beamtime.Series)
        {
            var line = run.Series.FirstOrDefault(s => s.GetProperty("series").GetString() == truth.Series);
            table.AddRow(line.ValueKind == System.Text.Json.JsonValueKind.Object
                         && line.GetProperty("speed_A_per_s") is { ValueKind: System.Text.Json.JsonValueKind.Number } v
                ? [truth.Series, F(truth.SpeedAPerS), $"{F(v.GetDouble())} ± {line.GetProperty("speed_err_A_per_s").GetDouble():0.000}",
                   F((v.GetDouble() - truth.SpeedAPerS) / line.GetProperty("speed_err_A_per_s").GetDouble())]
                : [truth.Series, F(truth.SpeedAPerS), "not resolvable", ""]);
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"demo finished in {clock.Elapsed.TotalSeconds:0.0} s");
        AnsiConsole.WriteLine($"inputs:  {inputs}");
        AnsiConsole.WriteLine($"results: {run.LocalFolder} (xpcs/<series>/g2.h5 and fit.json, xam/profiles.csv, simulations/<set>.json, run.json)");
        AnsiConsole.WriteLine($"report:  {Path.Combine(run.LocalFolder, "report", "index.html")}");
        return RunExitCode.For(run.Outcome.Status);
    }

    private static CellSimulationResult SimulateCell(string set, string results)
    {
        var result = ContinuumCellSolver.Simulate(new CellSimulationSpec { Transport = BuiltInTransportSets.Get(set) });
        SimulationJson.Write(result, Path.Combine(results, SimulationJson.RelativePath(set)));
        return result;
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
