using System.Globalization;

namespace CloudXpcs.Data.Xam;

/// <summary>Invariant-culture number cells of the XAM CSV files: finite numbers only.</summary>
internal static class CsvNumber
{
    public static double ParseFinite(string cell, string path, int lineNumber, string column)
    {
        string trimmed = cell.Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw new DataContractException(path, $"line {lineNumber}: column {column}: non-numeric cell '{trimmed}'");
        if (!double.IsFinite(value))
            throw new DataContractException(path, $"line {lineNumber}: column {column}: {trimmed} is not a finite number");
        return value;
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Column indices of the named columns in a header line; missing columns are an error naming them.</summary>
    public static int[] ColumnIndices(string? headerLine, string path, IReadOnlyList<string> required)
    {
        if (headerLine is null) throw new DataContractException(path, "empty file, expected header " + string.Join(',', required));
        var header = headerLine.Trim().TrimStart('\uFEFF').Split(',').Select(h => h.Trim()).ToList();
        var missing = required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new DataContractException(path, $"line 1: missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (header '{headerLine.Trim()}', expected {string.Join(',', required)})");
        return required.Select(c => header.IndexOf(c)).ToArray();
    }

    /// <summary>
    /// Reads a CSV with the <paramref name="columns"/> somewhere in its header, one record per non-empty line;
    /// <paramref name="map"/> gets each required cell (by position in <paramref name="columns"/>) parsed as a finite
    /// number, and the 1-based line number.
    /// </summary>
    public static List<T> ReadRows<T>(string path, IReadOnlyList<string> columns, Func<Func<int, double>, int, T> map)
    {
        using var reader = new StreamReader(path);
        int[] index = ColumnIndices(reader.ReadLine(), path, columns);
        int width = index.Max() + 1;
        var rows = new List<T>();
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            string[] cells = line.Split(',');
            if (cells.Length < width)
                throw new DataContractException(path, $"line {lineNumber}: {cells.Length} cells, expected at least {width}");
            int current = lineNumber;
            rows.Add(map(column => ParseFinite(cells[index[column]], path, current, columns[column]), current));
        }
        return rows;
    }
}
