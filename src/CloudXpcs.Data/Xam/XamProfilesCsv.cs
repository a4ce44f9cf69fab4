using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Xam;

/// <summary>
/// xam/profiles.csv and measured/profiles.csv (contract 1.4, 5): time_min,position_mm,concentration_M,concentration_err_M.
/// Written atomically (temporary file in the same folder, then rename), invariant culture, round-trip precision.
/// </summary>
public static class XamProfilesCsv
{
    public const string FileName = "profiles.csv";

    /// <summary>Where a run (or a beamtime's xam folder) keeps the profiles: xam/profiles.csv.</summary>
    public const string RunRelativePath = XamBeamtime.FolderName + "/" + FileName;

    public static readonly IReadOnlyList<string> Columns = ["time_min", "position_mm", "concentration_M", "concentration_err_M"];

    public static void Write(string path, IEnumerable<ConcentrationPoint> points) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in points)
                writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.PositionMm),
                    CsvNumber.Format(p.ConcentrationM), CsvNumber.Format(p.ConcentrationErrM)));
        });

    /// <summary>
    /// Reads a profiles file. Only the total error is stored, so <see cref="ConcentrationPoint.StatisticalErrM"/> is set
    /// to it. Errors must be finite and >= 0.
    /// </summary>
    public static IReadOnlyList<ConcentrationPoint> Read(string path) =>
        CsvNumber.ReadRows(path, Columns, (cell, lineNumber) =>
        {
            double error = cell(3);
            if (error < 0) throw new DataContractException(path, $"line {lineNumber}: column concentration_err_M: negative error {error}");
            return new ConcentrationPoint(cell(0), cell(1), cell(2), error, error);
        });
}
