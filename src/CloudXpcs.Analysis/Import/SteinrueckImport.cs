using System.Globalization;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Xam;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Analysis.Comparison;

namespace CloudXpcs.Analysis.Import;

public sealed record SteinrueckImportResult(string Folder, int CurrentPoints, int ProfilePoints, int ProfileTimes, int VelocityPoints, int VelocityPositions);

/// <summary>
/// Turns the published curves of Steinrück et al., EES 2020 (as redistributed by BattModels/DiffEC: headerless two-column
/// CSVs, see shared/data/steinrueck2020_operando/SOURCE.md) into a contract beamtime: beamtime.json, echem.csv,
/// measured/profiles.csv and measured/velocities.csv.
/// <para>Orientation: x_file is measured from the stripping electrode (salt piles up at small x_file in every developed
/// profile), which this beamtime puts at −L/2, so position = x_file − 1.5 mm. The published velocities are speeds; they get
/// the cell-polarity sign (solvent moving from the stripping towards the plating electrode: + here). No error bars are
/// published, so the error columns hold 0 and the misfit's stated uncertainties apply.</para>
/// </summary>
public static class SteinrueckImport
{
    public const string BeamtimeName = "steinrueck2020";
    private const double HalfLengthMm = 1.5;
    private const int StrippingSide = -1;

    public static SteinrueckImportResult Run(string fromDir, string outDir)
    {
        if (!Directory.Exists(fromDir)) throw new DataContractException(fromDir, "folder of the published data not found");
        string currentPath = Path.Combine(fromDir, "current_density.csv");
        var profileFiles = Directory.GetFiles(fromDir, "t=*.csv").Order(StringComparer.Ordinal).ToArray();
        var velocityFiles = Directory.GetFiles(fromDir, "x=*.csv").Order(StringComparer.Ordinal).ToArray();
        if (!File.Exists(currentPath)) throw new DataContractException(currentPath, "file not found (expected the published current density, t [h], i [mA/cm2])");
        if (profileFiles.Length == 0) throw new DataContractException(fromDir, "no XAM profile files t=NNNN.csv");
        if (velocityFiles.Length == 0) throw new DataContractException(fromDir, "no XPCS velocity files x=N.NN.csv");

        var current = ReadPairs(currentPath).Select(r => new CurrentPoint(r.A * 60, r.B)).OrderBy(p => p.TimeMin).ToList();
        var profiles = profileFiles.SelectMany(path =>
        {
            double timeMin = NameNumber(path, "t=");
            return ReadPairs(path).OrderBy(r => r.A).Select(r => new ProfilePoint(timeMin, Position(path, r.A), r.B, 0));
        }).ToList();
        var velocities = velocityFiles.SelectMany(path =>
        {
            double xFile = NameNumber(path, "x=");
            return ReadPairs(path).OrderBy(r => r.A).Select(r =>
                new VelocityPoint(r.A * 60, Position(path, xFile), -StrippingSide * Math.Abs(r.B) * 10, 0, VelocitySource.MeasuredCsv, null));
        }).ToList();

        Directory.CreateDirectory(outDir);
        EchemCsv.Write(Path.Combine(outDir, EchemCsv.FileName), current);
        XamProfilesCsv.Write(Path.Combine(outDir, MeasuredBeamtimeLoader.MeasuredProfilesRelativePath),
            profiles.Select(p => new Science.Absorption.ConcentrationPoint(p.TimeMin, p.PositionMm, p.ConcentrationM, 0, 0)));
        MeasuredVelocitiesCsv.Write(Path.Combine(outDir, MeasuredVelocitiesCsv.RelativePath), velocities);
        new BeamtimeManifest
        {
            Beamtime = BeamtimeName,
            Cell = new BeamtimeCell(LengthMm: 2 * HalfLengthMm, VoltageV: 0.3, TemperatureC: 90, RInitial: 0.1, InitialConcentrationM: 1.87),
            StrippingElectrodeSide = StrippingSide,
            TransportSets = ["PNB", "RS"],
        }.Save(Path.Combine(outDir, BeamtimeManifest.FileName));
        AtomicFile.WriteAllText(Path.Combine(outDir, "IMPORT.md"), $"""
            # {BeamtimeName}: imported from {Path.GetFullPath(fromDir)}

            Steinrück, Takacs et al., Energy Environ. Sci. 2020 (Li | PEO-LiTFSI r = 0.1 | Li, 3 mm, 90 °C, 0.3 V), curves as
            redistributed by BattModels/DiffEC. Made by `cloudxpcs import-steinrueck2020`.
            - echem.csv: current_density.csv, t [h] x 60 -> time_min.
            - measured/profiles.csv: t=NNNN.csv (NNNN = minutes); position_mm = x_file - 1.5 (x_file from the stripping
              electrode, which is at -L/2 here: stripping_electrode_side = -1). concentration_err_M = 0: none published.
            - measured/velocities.csv: x=X.XX.csv, t [h] x 60, v' [nm/s] x 10 -> A/s; position_mm = X.XX - 1.5; the published
              speeds get the cell-polarity sign (+: towards the plating electrode). v_eo_err_A_per_s = 0: none published.
            """);
        return new SteinrueckImportResult(outDir, current.Count, profiles.Count, profileFiles.Length, velocities.Count, velocityFiles.Length);
    }

    private static double Position(string path, double xFileMm)
    {
        if (!(xFileMm >= 0 && xFileMm <= 2 * HalfLengthMm))
            throw new DataContractException(path, $"x = {xFileMm} mm lies outside the 3 mm cell");
        return Math.Round(xFileMm - HalfLengthMm, 12);
    }

    private static double NameNumber(string path, string prefix)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        if (!double.TryParse(stem[prefix.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw new DataContractException(path, $"file name must be {prefix}<number>.csv");
        return value;
    }

    private static List<(double A, double B)> ReadPairs(string path)
    {
        var rows = new List<(double, double)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var cells = line.Split(',');
            if (cells.Length < 2) throw new DataContractException(path, $"line {lineNumber}: {cells.Length} cell, expected two numbers");
            rows.Add((CsvNumber.ParseFinite(cells[0], path, lineNumber, "1"), CsvNumber.ParseFinite(cells[1], path, lineNumber, "2")));
        }
        if (rows.Count == 0) throw new DataContractException(path, "no data rows");
        return rows;
    }
}
