using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Reporting.Inputs;

/// <summary>One XPCS series of the run folder: its correlation and fit when present.</summary>
public sealed record SeriesResult(string Series, G2File? G2, FitDocument? Fit)
{
    public double? SpeedAPerS => Fit?.Velocity is { Resolvable: true, SpeedAPerS: double v } ? v : null;
}

/// <summary>
/// Everything the report reads from a run folder (contract section 5 layout plus comparison.json, inference.json,
/// run.json). Each part is optional; a part that is present but unreadable throws <see cref="DataContractException"/>.
/// </summary>
public sealed record RunInputs(
    string RunDir,
    IReadOnlyList<SeriesResult> Series,
    IReadOnlyList<SimulationJson.Document> Simulations,
    IReadOnlyList<ConcentrationPoint> XamProfiles,
    ComparisonDocument? Comparison,
    InferenceDocument? Inference,
    RunJson? Run)
{
    public const string XpcsFolder = SeriesManifest.XpcsFolder;
    public const string G2FileName = G2Paths.FileName;
    public const string FitFileName = FitJson.FileName;
    public const string SimulationsFolder = SimulationJson.FolderName;
    public const string ProfilesRelativePath = XamProfilesCsv.RunRelativePath;

    public static RunInputs Load(string runDir)
    {
        string dir = Path.GetFullPath(runDir);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: run folder not found");

        string xpcs = Path.Combine(dir, XpcsFolder);
        var series = Directory.Exists(xpcs)
            ? Directory.GetDirectories(xpcs).Order(StringComparer.Ordinal).Select(LoadSeries).Where(s => s.G2 is not null || s.Fit is not null)
                .OrderBy(s => s.Fit?.PositionMm ?? double.MaxValue).ThenBy(s => s.Fit?.PolarizationTimeMin ?? double.MaxValue).ToList()
            : [];
        string sims = Path.Combine(dir, SimulationsFolder);
        var simulations = Directory.Exists(sims)
            ? Directory.GetFiles(sims, "*.json").Order(StringComparer.Ordinal).Select(SimulationJson.Read).ToList()
            : [];
        string profilesPath = Path.Combine(dir, ProfilesRelativePath);
        var profiles = File.Exists(profilesPath) ? XamProfilesCsv.Read(profilesPath) : [];
        var comparison = ReadIfPresent(dir, ComparisonJson.FileName, ComparisonJson.Read);
        var inference = ReadIfPresent(dir, InferenceJson.FileName, InferenceJson.Read);
        var run = ReadIfPresent(dir, RunJson.FileName, RunJson.Read);

        if (series.Count == 0 && comparison is null && (run?.Series.Count ?? 0) == 0)
            throw new DataContractException(dir, $"nothing to report: no {XpcsFolder}/<series>/{G2FileName} or {FitFileName}, no {ComparisonJson.FileName}");
        return new RunInputs(dir, series, simulations, profiles, comparison, inference, run);
    }

    private static SeriesResult LoadSeries(string folder)
    {
        string g2 = Path.Combine(folder, G2FileName), fit = Path.Combine(folder, FitFileName);
        return new SeriesResult(Path.GetFileName(folder),
            File.Exists(g2) ? G2File.Read(g2) : null,
            File.Exists(fit) ? FitJson.Read(fit) : null);
    }

    private static T? ReadIfPresent<T>(string dir, string name, Func<string, T> read) where T : class
    {
        string path = Path.Combine(dir, name);
        return File.Exists(path) ? read(path) : null;
    }
}
