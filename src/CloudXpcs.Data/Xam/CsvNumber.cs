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
    /// number, and the 1-based line number. Parsed by CsvHelper (RFC 4180 quoting, a byte-order mark, comma, tab or
    /// semicolon separated), at most <see cref="Inputs.InputFile.MaxCsvBytes"/> bytes.
    /// </summary>
    public static List<T> ReadRows<T>(string path, IReadOnlyList<string> columns, Func<Func<int, double>, int, T> map)
    {
        string text = Inputs.InputFile.ReadAllText(path, Inputs.InputFile.MaxCsvBytes);
        var config = new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            DetectDelimiterValues = [",", "\t", ";"],
            TrimOptions = CsvHelper.Configuration.TrimOptions.Trim,
            IgnoreBlankLines = true,
            BadDataFound = args => throw new DataContractException(path, $"line {args.Context.Parser?.RawRow}: malformed CSV field '{Shorten(args.RawRecord.Trim())}'"),
        };
        using var parser = new CsvHelper.CsvParser(new StringReader(text), config);
        try
        {
            if (!parser.Read()) throw new DataContractException(path, "empty file, expected header " + string.Join(',', columns));
            int[] index = ColumnIndices(parser.Record!, string.Join(parser.Delimiter, parser.Record!), path, columns);
            int width = index.Max() + 1;
            var rows = new List<T>();
            while (parser.Read())
            {
                var cells = parser.Record!;
                int lineNumber = parser.RawRow;
                if (cells.All(c => c.Length == 0)) continue;
                if (cells.Length < width)
                    throw new DataContractException(path, $"line {lineNumber}: {cells.Length} cells, expected at least {width}");
                rows.Add(map(column => ParseFinite(cells[index[column]], path, lineNumber, columns[column]), lineNumber));
            }
            return rows;
        }
        catch (CsvHelper.CsvHelperException ex)
        {
            throw new DataContractException(path, $"line {parser.RawRow}: malformed CSV: {ErrorText.OneLine(ex.Message.Split('\n')[0])}", ex);
        }
    }

    private static int[] ColumnIndices(string[] header, string headerLine, string path, IReadOnlyList<string> required)
    {
        var names = header.Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        var missing = required.Where(c => !names.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
            throw new DataContractException(path, $"line 1: missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (header '{Shorten(headerLine)}', expected {string.Join(',', required)})");
        var twice = required.FirstOrDefault(c => names.Count(n => n == c) > 1);
        if (twice is not null) throw new DataContractException(path, $"line 1: column {twice} appears twice in the header");
        return required.Select(c => names.IndexOf(c)).ToArray();
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
