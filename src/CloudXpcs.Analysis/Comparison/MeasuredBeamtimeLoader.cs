using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Comparison;
using ProfilePoint = CloudXpcs.Science.Comparison.ProfilePoint;
using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;

namespace CloudXpcs.Analysis.Comparison;

/// <summary>A beamtime's manifest, what was measured on it, and notes on what was left out or chosen.</summary>
public sealed record LoadedBeamtime(BeamtimeManifest Manifest, MeasuredBeamtime Measured, IReadOnlyList<string> Notes);

/// <summary>
/// Builds a <see cref="MeasuredBeamtime"/> from a beamtime inputs folder (beamtime.json, echem.csv, measured/*.csv) and,
/// optionally, a run folder with the pipeline's own results (xpcs/*/fit.json, xam/profiles.csv). The run's results take
/// precedence per kind: its xam/profiles.csv over measured/profiles.csv, its resolvable fit speeds over
/// measured/velocities.csv (never both, so nothing is counted twice). Unresolvable series are skipped.
/// </summary>
public static class MeasuredBeamtimeLoader
{
    public static readonly string MeasuredProfilesRelativePath = Path.Combine("measured", XamProfilesCsv.FileName);
    public const string XamProfilesRelativePath = XamProfilesCsv.RunRelativePath;

    public static LoadedBeamtime Load(string inputsDir, string? resultsDir = null)
    {
        if (!Directory.Exists(inputsDir)) throw new DataContractException(inputsDir, "beamtime folder not found");
        if (resultsDir is not null && !Directory.Exists(resultsDir)) throw new DataContractException(resultsDir, "results folder not found");
        var manifest = BeamtimeManifest.Load(Path.Combine(inputsDir, BeamtimeManifest.FileName));
        var c = manifest.Cell;
        var cell = new CellConditions(c.LengthMm, c.VoltageV, c.TemperatureC, c.InitialConcentrationM, manifest.StrippingElectrodeSide);
        var notes = new List<string>();

        string echemPath = Path.Combine(inputsDir, EchemCsv.FileName);
        var current = File.Exists(echemPath) ? EchemCsv.Read(echemPath).OrderBy(p => p.TimeMin).ToList() : [];
        if (current.Count == 0) notes.Add("no echem.csv: the current is not compared");

        var profiles = LoadProfiles(inputsDir, resultsDir, cell, notes);
        var velocities = LoadVelocities(inputsDir, resultsDir, cell, notes);
        return new LoadedBeamtime(manifest, new MeasuredBeamtime(manifest.Beamtime, cell, current, profiles, velocities), notes);
    }

    private static List<ProfilePoint> LoadProfiles(string inputsDir, string? resultsDir, CellConditions cell, List<string> notes)
    {
        string? path = new[] { resultsDir is null ? null : Path.Combine(resultsDir, XamProfilesRelativePath), Path.Combine(inputsDir, MeasuredProfilesRelativePath) }
            .FirstOrDefault(p => p is not null && File.Exists(p));
        if (path is null) { notes.Add("no concentration profiles (xam/profiles.csv or measured/profiles.csv)"); return []; }
        notes.Add($"profiles from {path}");
        var points = XamProfilesCsv.Read(path).Select(p => new ProfilePoint(p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)).ToList();
        foreach (var p in points) RequireInsideCell(path, cell, p.PositionMm, p.TimeMin);
        return points;
    }

    private static List<VelocityPoint> LoadVelocities(string inputsDir, string? resultsDir, CellConditions cell, List<string> notes)
    {
        var fits = new List<VelocityPoint>();
        string xpcs = resultsDir is null ? "" : Path.Combine(resultsDir, "xpcs");
        if (resultsDir is not null && Directory.Exists(xpcs))
        {
            foreach (string path in Directory.GetFiles(xpcs, FitJson.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var fit = FitJson.Read(path);
                if (fit.Velocity is { Resolvable: true, SpeedAPerS: double speed })
                {
                    RequireInsideCell(path, cell, fit.PositionMm, fit.PolarizationTimeMin);
                    fits.Add(new VelocityPoint(fit.PolarizationTimeMin, fit.PositionMm, Math.Abs(speed), fit.Velocity.SpeedErrAPerS ?? 0,
                                               VelocitySource.Fit, fit.Series));
                }
                else notes.Add($"series {fit.Series} skipped: speed not resolvable ({fit.Velocity.Reason ?? "no reason given"})");
            }
        }
        if (fits.Count > 0) { notes.Add($"velocities from {fits.Count} fitted series"); return fits; }
        string csv = Path.Combine(inputsDir, MeasuredVelocitiesCsv.RelativePath);
        if (!File.Exists(csv)) { notes.Add("no velocities (no resolvable fit.json, no measured/velocities.csv)"); return []; }
        notes.Add($"velocities from {csv}");
        var points = MeasuredVelocitiesCsv.Read(csv).ToList();
        foreach (var p in points) RequireInsideCell(csv, cell, p.PositionMm, p.TimeMin);
        return points;
    }

    private static void RequireInsideCell(string path, CellConditions cell, double positionMm, double timeMin)
    {
        if (!(Math.Abs(positionMm) <= 0.5 * cell.LengthMm))
            throw new DataContractException(path, $"position {positionMm} mm (at {timeMin} min) lies outside the {cell.LengthMm} mm cell (|position| <= {0.5 * cell.LengthMm} mm from the centre)");
    }
}
