using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Inference;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Analysis.Comparison;

namespace CloudXpcs.Cli.Commands;

/// <summary>
/// <c>cloudxpcs infer --beamtime DIR [--results RUNDIR] --set PNB --out inference.json</c>: fits a constant and a linear
/// t₊⁰(c) to all measurements jointly (other properties from the set), with profile-likelihood 95 % intervals.
/// </summary>
public sealed class InferCommand : Command<InferCommand.Settings>
{
    public sealed class Settings : MisfitSettings
    {
        [CommandOption("--beamtime <DIR>")]
        [Description("Beamtime inputs folder (beamtime.json, echem.csv, measured/*.csv).")]
        public string? Beamtime { get; init; }

        [CommandOption("--results <RUNDIR>")]
        [Description("Run folder with the pipeline's own results (xpcs/*/fit.json, xam/profiles.csv).")]
        public string? Results { get; init; }

        [CommandOption("--set <SET>")]
        [Description("Base transport set for kappa, D, T_f, volumes, R_int (built-in name or transport JSON file).")]
        public string? Set { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Output inference.json.")]
        public string? Out { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Simulations run in parallel (default: all cores).")]
        [DefaultValue(0)]
        public int Threads { get; init; }

        [CommandOption("--reference-concentration-M <M>")]
        [Description("c_ref of the linear model (default: the beamtime's initial concentration).")]
        public double? ReferenceConcentrationM { get; init; }

        [CommandOption("--constant-grid <MIN:MAX:STEP>")]
        [Description("Grid of the constant t+0 (default -0.6:0.6:0.03).")]
        [DefaultValue("-0.6:0.6:0.03")]
        public string ConstantGrid { get; init; } = "-0.6:0.6:0.03";

        [CommandOption("--intercept-grid <MIN:MAX:STEP>")]
        [Description("Grid of t+0 at c_ref of the linear model (default -0.6:0.6:0.1).")]
        [DefaultValue("-0.6:0.6:0.1")]
        public string InterceptGrid { get; init; } = "-0.6:0.6:0.1";

        [CommandOption("--slope-grid <MIN:MAX:STEP>")]
        [Description("Grid of the slope dt+0/dc of the linear model, per M (default -0.8:0.4:0.1).")]
        [DefaultValue("-0.8:0.4:0.1")]
        public string SlopeGrid { get; init; } = "-0.8:0.4:0.1";

        [CommandOption("--refine <N>")]
        [Description("Values per parameter of each refinement grid over the approximate confidence region (0: none; default 7).")]
        [DefaultValue(7)]
        public int Refine { get; init; } = 7;

        [CommandOption("--refine-rounds <N>")]
        [Description("Refinements, each re-centred on the best fit so far (default 2).")]
        [DefaultValue(2)]
        public int RefineRounds { get; init; } = 2;

        [CommandOption("--fit-to <KINDS>")]
        [Description("Comma-separated kinds of measurement in the misfit: current, profiles, velocities (default all three).")]
        [DefaultValue("current,profiles,velocities")]
        public string FitTo { get; init; } = "current,profiles,velocities";

        [CommandOption("--constant-only")]
        [Description("Fit only the constant model.")]
        public bool ConstantOnly { get; init; }

        [CommandOption("--hypothesis <LABEL=A[,B]>")]
        [Description("Also evaluate and report a named t+0: LABEL=A (constant) or LABEL=A,B (linear: A at c_ref, slope B per M). Repeatable.")]
        public string[] Hypotheses { get; init; } = [];

        [CommandOption("--nuisance")]
        [Description("Also fit t+0 jointly with T_f, kappa scale, D scale and R_int (priors, correlated residuals) under T_f = 1, T_f = 3.5 and T_f profiled; adds 'nuisance' to inference.json.")]
        public bool Nuisance { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Beamtime)) return ValidationResult.Error("--beamtime is required");
            if (string.IsNullOrWhiteSpace(Set)) return ValidationResult.Error("--set is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
            if (Threads < 0) return ValidationResult.Error("--threads must be >= 0");
            return ValidateMisfit();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var initial = InferenceFiles.Prepare(settings.Beamtime!, settings.Results, settings.Set!, new InferenceOptions { IncludeLinear = false, RefinePoints = 0 });
        var options = new InferenceOptions
        {
            ReferenceConcentrationM = settings.ReferenceConcentrationM ?? initial.Beamtime.Measured.Cell.InitialConcentrationM,
            ConstantGrid = ParameterGrid.Parse(settings.ConstantGrid, "--constant-grid"),
            IncludeLinear = !settings.ConstantOnly,
            InterceptGrid = ParameterGrid.Parse(settings.InterceptGrid, "--intercept-grid"),
            SlopeGrid = ParameterGrid.Parse(settings.SlopeGrid, "--slope-grid"),
            RefinePoints = settings.Refine,
            RefineRounds = settings.RefineRounds,
            Hypotheses = settings.Hypotheses.Select(ParseHypothesis).ToList(),
            Misfit = WithKinds(settings.Misfit, settings.FitTo),
            CellCount = settings.Cells,
        };
        var setup = InferenceFiles.Prepare(settings.Beamtime!, settings.Results, settings.Set!, options);
        foreach (string note in setup.Beamtime.Notes) AnsiConsole.MarkupLineInterpolated($"[grey]{note}[/]");
        var result = ProgressReporting.Run($"inferring t+0 ({TransferenceInference.MaxSimulations(options)} simulations at most)",
            TransferenceInference.MaxSimulations(options), progress =>
            {
                var gate = new object();
                return TransferenceInference.Run(setup.Beamtime.Measured, setup.BaseSet, options, settings.Threads,
                    new LockedProgress(progress, gate));
            });
        var document = InferenceFiles.Write(settings.Out!, setup, result);
        if (settings.Nuisance) NuisanceStep(settings, setup, result, document);

        var table = new Table().AddColumns("model", "parameter", "best", "95% CI", "chi2", "n", "chi2 scale");
        foreach (var model in result.Models)
            foreach (var p in model.Parameters)
                table.AddRow(InferenceDocument.ModelName(model.Model), p.Name, F(p.Value),
                    Markup.Escape($"[{(p.CiLowOpen ? "<=" : "")}{F(p.CiLow)}, {(p.CiHighOpen ? ">=" : "")}{F(p.CiHigh)}]"),
                    model.Misfit.ToString("0.0", CultureInfo.InvariantCulture), model.DataPoints.ToString(CultureInfo.InvariantCulture),
                    model.Chi2Scale.ToString("0.00", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        foreach (var model in result.Models)
            foreach (string note in model.Notes) AnsiConsole.MarkupLineInterpolated($"{InferenceDocument.ModelName(model.Model)}: {note}");
        foreach (var h in result.Hypotheses)
            AnsiConsole.MarkupLineInterpolated($"hypothesis {h.Candidate.Label}: {(h.Misfit is double m ? $"chi2 {m:0.0}, scaled delta-chi2 above the best {InferenceDocument.ModelName(h.Candidate.Model)} fit {h.DeltaChi2Scaled:0.0} (p = {h.PValue:G3})" : "no solution: " + h.Failure)}");
        AnsiConsole.MarkupLineInterpolated($"preferred: {result.Preferred} ({result.Reason})");
        AnsiConsole.MarkupLineInterpolated($"{result.Simulations} simulations; wrote {settings.Out}");
        return 0;
    }

    /// <summary>The nuisance-parameter fits, started at the grid's best constant t+0; rewrites inference.json with them.</summary>
    private static void NuisanceStep(Settings settings, InferenceSetup setup, InferenceResult result, InferenceDocument document)
    {
        var priors = new NuisancePriors();
        double start = result.Models.FirstOrDefault(m => m.Model == TransferenceModel.Constant)?.Parameters[0].Value ?? 0.2;
        var fits = NuisanceInferenceRuns.Run(setup, priors, start, settings.Threads, fit =>
        {
            var t = fit.Parameters[0];
            AnsiConsole.WriteLine($"nuisance fit, {fit.Model} model, {fit.Assumption.Label}: {t.Name} {F(t.Value)} [{F(t.Ci95Low)}, {F(t.Ci95High)}] (95 %), chi2 {fit.Chi2:0.0}, {fit.Simulations} simulations");
            foreach (var p in fit.Parameters.Skip(1)) AnsiConsole.WriteLine($"    {p.Name} {F(p.Value)} ± {F(p.Sigma)}");
            foreach (var c in fit.Combinations)
                AnsiConsole.WriteLine($"    {(c.Determined ? "determined    " : "not determined")} {c.Description}: {F(c.Value)} ± {F(c.Sigma)}");
        });
        InferenceJson.Write(settings.Out!, document with { Nuisance = NuisanceInferenceJson.From(fits, priors) });
    }

    private static MisfitOptions WithKinds(MisfitOptions misfit, string kinds)
    {
        var list = kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = list.Where(k => k is not ("current" or "profiles" or "velocities")).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"--fit-to: unknown kind '{unknown[0]}' (use current, profiles, velocities)");
        return misfit with { UseCurrent = list.Contains("current"), UseProfiles = list.Contains("profiles"), UseVelocities = list.Contains("velocities") };
    }

    internal static TransferenceCandidate ParseHypothesis(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--hypothesis: expected LABEL=A or LABEL=A,B, got '{text}'");
        var values = CompareCommand.ParseNumbers(text[(eq + 1)..], "--hypothesis");
        return values.Length switch
        {
            1 => new TransferenceCandidate(TransferenceModel.Constant, values[0], 0, CandidateStage.Hypothesis, text[..eq]),
            2 => new TransferenceCandidate(TransferenceModel.Linear, values[0], values[1], CandidateStage.Hypothesis, text[..eq]),
            _ => throw new ArgumentException($"--hypothesis: expected one or two numbers after '=', got '{text}'"),
        };
    }

    private static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Forwards counts from the worker threads one at a time.</summary>
    private sealed class LockedProgress(IProgress<double> inner, object gate) : IProgress<int>
    {
        public void Report(int value) { lock (gate) inner.Report(value); }
    }
}
