using CloudXpcs.Science.Absorption;

namespace CloudXpcs.Data.Xam;

/// <summary>
/// xam/profiles.csv and measured/profiles.csv (contract 1.4, 5): time_min,position_mm,concentration_M,concentration_err_M.
/// Written atomically (temporary file in the same folder, then rename), invariant culture, round-trip precision.
/// </summary>
public static class XamProfilesCsv
{
    public static readonly IReadOnlyList<string> Columns = ["time_min", "position_mm", "concentration_M", "concentration_err_M"];

    public static void Write(string path, IEnumerable<ConcentrationPoint> points) =>
        AtomicTextFile.Write(path, writer =>
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
    public static IReadOnlyList<ConcentrationPoint> Read(string path)
    {
        using var reader = new StreamReader(path);
        int[] index = CsvNumber.ColumnIndices(reader.ReadLine(), path, Columns);
        int width = index.Max() + 1;
        var points = new List<ConcentrationPoint>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            string[] cells = line.Split(',');
            if (cells.Length < width)
                throw new DataContractException(path, $"line {lineNumber}: {cells.Length} cells, expected at least {width}");
            double Cell(int column) => CsvNumber.ParseFinite(cells[index[column]], path, lineNumber, Columns[column]);
            double error = Cell(3);
            if (error < 0) throw new DataContractException(path, $"line {lineNumber}: column concentration_err_M: negative error {error}");
            points.Add(new ConcentrationPoint(Cell(0), Cell(1), Cell(2), error, error));
        }
        return points;
    }
}
