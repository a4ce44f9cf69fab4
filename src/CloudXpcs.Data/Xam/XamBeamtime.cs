using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Xam;

/// <summary>What converting a beamtime's XAM scans produced.</summary>
public sealed record XamBeamtimeResult(string ReferenceScanName, int ScanCount, string OutputPath, XamConversionResult Conversion);

/// <summary>
/// Converts all XAM scans of a beamtime folder: reads {beamtime}/xam/calibration.json and every {beamtime}/xam/*.csv
/// except profiles.csv, takes as reference the one scan whose time range contains reference_time_min, and writes the
/// profiles (default {beamtime}/xam/profiles.csv).
/// </summary>
public static class XamBeamtime
{
    public const string ProfilesFileName = XamProfilesCsv.FileName;
    public const string FolderName = "xam";
    public const string CalibrationFileName = "calibration.json";

    public static XamBeamtimeResult Process(string beamtimeDirectory, string? outputPath = null)
    {
        string xamDirectory = Path.Combine(beamtimeDirectory, FolderName);
        if (!Directory.Exists(xamDirectory)) throw new DirectoryNotFoundException($"{xamDirectory}: no xam folder in the beamtime");
        string calibrationPath = Path.Combine(xamDirectory, CalibrationFileName);
        if (!File.Exists(calibrationPath)) throw new DataContractException(calibrationPath, "missing (contract 1.2 needs xam/calibration.json)");
        var calibration = XamCalibrationFile.Read(calibrationPath);

        var scanPaths = Directory.EnumerateFiles(xamDirectory, "*.csv")
            .Where(p => !string.Equals(Path.GetFileName(p), ProfilesFileName, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();
        if (scanPaths.Count == 0) throw new DataContractException(xamDirectory, "no scan files xam/{scan}.csv");
        double? uniqueWithinMm = calibration.AverageRepeatedPositions ? null : calibration.Settings.PositionToleranceMm;
        var scans = scanPaths.Select(path => XamScanCsv.Read(path, uniqueWithinMm)).ToList();

        var reference = FindReference(scans, calibration.ReferenceTimeMin, xamDirectory);
        var conversion = BeerLambertConverter.Convert(reference, scans, calibration.Settings);
        string output = outputPath ?? Path.Combine(xamDirectory, ProfilesFileName);
        XamProfilesCsv.Write(output, conversion.Profiles);
        return new XamBeamtimeResult(reference.Name, scans.Count, output, conversion);
    }

    private static XamScan FindReference(IReadOnlyList<XamScan> scans, double referenceTimeMin, string xamDirectory)
    {
        const double toleranceMin = 1e-6;
        var matches = scans.Where(s => s.Points.Min(p => p.TimeMin) - toleranceMin <= referenceTimeMin
                                       && referenceTimeMin <= s.Points.Max(p => p.TimeMin) + toleranceMin).ToList();
        if (matches.Count == 1) return matches[0];
        string ranges = string.Join("; ", scans.Select(s => $"{s.Name}: {s.Points.Min(p => p.TimeMin)}..{s.Points.Max(p => p.TimeMin)} min"));
        throw new DataContractException(Path.Combine(xamDirectory, CalibrationFileName),
            matches.Count == 0
                ? $"no scan covers reference_time_min = {referenceTimeMin} ({ranges})"
                : $"{matches.Count} scans cover reference_time_min = {referenceTimeMin}: {string.Join(", ", matches.Select(m => m.Name))}");
    }
}
