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
        AtomicTextFile.Write(path, writer =>
        {
            writer.WriteLine(string.Join(',', Columns));
            foreach (var p in scan.Points)
                writer.WriteLine(string.Join(',', CsvNumber.Format(p.TimeMin), CsvNumber.Format(p.PositionMm),
                    CsvNumber.Format(p.I0), CsvNumber.Format(p.It)));
        });

    public static XamScan Read(string path)
    {
        using var reader = new StreamReader(path);
        int[] index = CsvNumber.ColumnIndices(reader.ReadLine(), path, Columns);
        int width = index.Max() + 1;
        var points = new List<XamPoint>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            string[] cells = line.Split(',');
            if (cells.Length < width)
                throw new DataContractException(path, $"line {lineNumber}: {cells.Length} cells, expected at least {width}");
            double Cell(int column) => CsvNumber.ParseFinite(cells[index[column]], path, lineNumber, Columns[column]);
            points.Add(new XamPoint(Cell(0), Cell(1), Cell(2), Cell(3)));
        }
        if (points.Count == 0) throw new DataContractException(path, "no raster points after the header");
        return new XamScan(Path.GetFileNameWithoutExtension(path), points);
    }
}
