using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Xam;

/// <summary>
/// Reads xam/{scan}.csv (contract 1.2): header time_min,position_mm,i0,it (extra columns ignored), one raster point per
/// line. Every cell must be a finite number; counts that are zero or negative are kept and rejected later, with a reason,
/// by the conversion.
/// </summary>
public static class XamScanCsv
{
    public static readonly IReadOnlyList<string> Columns = ["time_min", "position_mm", "i0", "it"];

    /// <summary>Writes a scan (e.g. a simulated one) atomically in the contract's format.</summary>
    public static void Write(string path, XamScan scan) =>
        AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in scan.Points)
                writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.PositionMm),
                    CsvNumber.Format(p.I0), CsvNumber.Format(p.It)));
        });

    public static XamScan Read(string path)
    {
        var points = CsvNumber.ReadRows(path, Columns, (cell, _) => new XamPoint(cell(0), cell(1), cell(2), cell(3)));
        if (points.Count == 0) throw new DataContractException(path, "no raster points after the header");
        return new XamScan(Path.GetFileNameWithoutExtension(path), points);
    }
}
