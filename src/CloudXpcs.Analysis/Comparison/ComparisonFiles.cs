using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Transport;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Science.Continuum;
using CloudXpcs.Science.Electrolyte;
using CloudXpcs.Science.Inference;
using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;

namespace CloudXpcs.Analysis.Comparison;

public sealed record ComparisonFileOptions
{
    /// <summary>Transport sets (built-in names or transport JSON files); null: the beamtime's transport_sets.</summary>
    public IReadOnlyList<string>? Sets { get; init; }
    public ComparisonOptions Comparison { get; init; } = new();
    public int CellCount { get; init; } = 96;
    /// <summary>Simulate even when OUT/simulations/{set}.json exists.</summary>
    public bool Resimulate { get; init; }
}

public sealed record ComparisonRun(LoadedBeamtime Beamtime, BeamtimeComparison Comparison, IReadOnlyList<string> SimulatedSets,
                                   IReadOnlyList<string> ReusedSets, string ComparisonPath);

/// <summary>
/// File-level entry points of the comparison and the inference, for the CLI and for pipeline activities that have
/// materialised the inputs and the run's results into local folders.
/// </summary>
public static class ComparisonFiles
{
    /// <summary>
    /// Compares the beamtime (inputs folder, plus the pipeline's results in <paramref name="resultsDir"/> when given) with
    /// one simulation per set: OUT/simulations/{set}.json is reused when present, else simulated at the measurement times
    /// and written. Writes OUT/comparison.json.
    /// </summary>
    public static ComparisonRun Run(string inputsDir, string? resultsDir, string outDir, ComparisonFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Comparison.Validate();
        var loaded = MeasuredBeamtimeLoader.Load(inputsDir, resultsDir);
        var sets = options.Sets ?? loaded.Manifest.TransportSets;
        if (sets.Count == 0) throw new ArgumentException("no transport sets to compare (give --sets or list transport_sets in beamtime.json)");
        var simulations = new List<SimulatedCell>();
        var simulated = new List<string>();
        var reused = new List<string>();
        // Nothing partial: a failure removes the simulations this call wrote (and their folder when it made it).
        var written = new List<string>();
        string simulationsDir = Path.GetDirectoryName(SimulationPath(outDir, "x"))!;
        bool madeSimulationsDir = !Directory.Exists(simulationsDir);
        try
        {
        foreach (string name in sets)
        {
            string? builtInPath = BuiltInTransportSets.IsBuiltIn(name) ? SimulationPath(outDir, name) : null;
            if (builtInPath is not null && File.Exists(builtInPath) && !options.Resimulate)
            {
                simulations.Add(ReadSimulation(builtInPath));
                reused.Add(name);
                continue;
            }
            var set = ResolveSet(name);
            string path = SimulationPath(outDir, set.Name);
            if (File.Exists(path) && !options.Resimulate) { simulations.Add(ReadSimulation(path)); reused.Add(set.Name); continue; }
            var result = ContinuumCellSolver.Simulate(ComparisonSimulation.SpecFor(loaded.Measured, set, options.CellCount));
            AtomicFile.Write(path, temporary => SimulationJson.Write(result, temporary));
            written.Add(path);
            simulations.Add(SimulatedCell.From(result));
            simulated.Add(set.Name);
        }
        var comparison = BeamtimeComparer.Compare(loaded.Measured, simulations, options.Comparison);
        string output = Path.Combine(outDir, ComparisonJson.FileName);
        ComparisonJson.Write(output, ComparisonDocument.From(comparison, options.Comparison));
        return new ComparisonRun(loaded, comparison, simulated, reused, output);
        }
        catch
        {
            foreach (string path in written) File.Delete(path);
            if (madeSimulationsDir && Directory.Exists(simulationsDir) && !Directory.EnumerateFileSystemEntries(simulationsDir).Any())
                Directory.Delete(simulationsDir);
            throw;
        }
    }

    /// <summary>A built-in set by name, else a transport JSON file (contract section 6).</summary>
    public static TransportSet ResolveSet(string nameOrPath) =>
        BuiltInTransportSets.IsBuiltIn(nameOrPath) ? BuiltInTransportSets.Get(nameOrPath)
        : File.Exists(nameOrPath) ? TransportSetJson.Load(nameOrPath)
        : throw new ArgumentException($"transport set '{nameOrPath}' is neither a built-in set ({string.Join(", ", BuiltInTransportSets.Names)}) nor an existing JSON file");

    /// <summary>A simulations/{set}.json file as the comparison sees it; shapes are checked.</summary>
    public static SimulatedCell ReadSimulation(string path)
    {
        var d = SimulationJson.Read(path);
        void Require(bool ok, string problem) { if (!ok) throw new DataContractException(path, problem); }
        int times = d.TimeMin.Length;
        Require(times > 0, "time_min is empty");
        for (int k = 1; k < times; k++) Require(d.TimeMin[k] > d.TimeMin[k - 1], $"time_min must increase strictly (index {k})");
        Require(d.CurrentMAPerCm2.Length == times, $"current_mA_cm2 has {d.CurrentMAPerCm2.Length} values, time_min has {times}");
        Require(d.ConcentrationM.Length == times && d.ConcentrationM.All(r => r.Length == d.XMm.Length),
                $"concentration_M must be {times} rows of {d.XMm.Length} values (time_min x x_mm)");
        Require(d.VEoLabAPerS.Length == d.PositionsMm.Length && d.VEoLabAPerS.All(r => r.Length == times),
                $"v_eo_lab_A_per_s must be {d.PositionsMm.Length} rows of {times} values (positions_mm x time_min)");
        for (int k = 1; k < d.XMm.Length; k++) Require(d.XMm[k] > d.XMm[k - 1], "x_mm must increase strictly");
        for (int k = 1; k < d.PositionsMm.Length; k++) Require(d.PositionsMm[k] > d.PositionsMm[k - 1], "positions_mm must increase strictly");
        return new SimulatedCell(d.Set, d.TimeMin, d.CurrentMAPerCm2, d.XMm, d.ConcentrationM, d.PositionsMm, d.VEoLabAPerS)
        {
            ThermodynamicFactor = d.ThermodynamicFactor, Warnings = d.Warnings,
        };
    }

    private static string SimulationPath(string outDir, string setName)
    {
        if (ManifestNames.SegmentProblem(setName) is { } problem) throw new ArgumentException($"transport set name '{setName}' {problem}");
        return Path.Combine(outDir, SimulationJson.RelativePath(setName));
    }
}

/// <summary>What every evaluation of an inference needs: the measurements, the base set and the simulation spec.</summary>
public sealed record InferenceSetup(LoadedBeamtime Beamtime, TransportSet BaseSet, CellSimulationSpec Spec, InferenceOptions Options);

public static class InferenceFiles
{
    public static InferenceSetup Prepare(string inputsDir, string? resultsDir, string baseSet, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var loaded = MeasuredBeamtimeLoader.Load(inputsDir, resultsDir);
        if (loaded.Measured.PointCount == 0) throw new DataContractException(inputsDir, "nothing measured to fit (no echem.csv, profiles or velocities)");
        var set = ComparisonFiles.ResolveSet(baseSet);
        return new InferenceSetup(loaded, set, ComparisonSimulation.SpecFor(loaded.Measured, set, options.CellCount), options);
    }

    public static InferenceDocument Write(string outputPath, InferenceSetup setup, InferenceResult result)
    {
        var document = InferenceDocument.From(result, setup.Beamtime.Manifest.Beamtime, setup.BaseSet.Name, setup.Options,
            setup.BaseSet.ThermodynamicFactorStatement());
        InferenceJson.Write(outputPath, document);
        return document;
    }

    /// <summary>The whole inference on local threads; writes <paramref name="outputPath"/> (e.g. RUN/inference.json).</summary>
    public static (InferenceResult Result, InferenceDocument Document) Run(string inputsDir, string? resultsDir, string outputPath,
                                                                           string baseSet, InferenceOptions options, int threads = 0,
                                                                           IProgress<int>? evaluated = null)
    {
        var setup = Prepare(inputsDir, resultsDir, baseSet, options);
        var result = TransferenceInference.Run(setup.Beamtime.Measured, setup.BaseSet, options, threads, evaluated);
        return (result, Write(outputPath, setup, result));
    }
}
