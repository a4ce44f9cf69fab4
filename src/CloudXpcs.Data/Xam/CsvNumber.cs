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
}
