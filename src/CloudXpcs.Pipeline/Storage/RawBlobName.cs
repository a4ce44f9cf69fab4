using System.Globalization;
using System.Text.RegularExpressions;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>What a blob in the raw container is, by its name (DATA_CONTRACT section 1).</summary>
public enum RawBlobKind
{
    BeamtimeManifest,
    Echem,
    XamScan,
    XamCalibration,
    SeriesManifest,
    Chunk,
    SeriesFile,
    Measured,
    Other,
}

/// <summary>
/// A validated name of a blob in the raw container: {beamtime}/... with safe segments only. Names with "..",
/// absolute paths, backslashes, control characters, empty segments or over-long names are rejected, so a name can
/// never reach outside the folder it is materialised in.
/// </summary>
public sealed partial record RawBlobName(string Name, string Beamtime, RawBlobKind Kind, string? Series, int? ChunkIndex)
{
    public const int MaxLength = 512;
    public const int MaxSegmentLength = 128;

    /// <summary>The name relative to the beamtime folder (e.g. xpcs/s1/chunk-00000.h5).</summary>
    public string RelativePath => Name[(Beamtime.Length + 1)..];

    public static bool TryParse(string name, out RawBlobName? blob, out string problem)
    {
        blob = null;
        problem = Check(name);
        if (problem.Length > 0) return false;
        string[] parts = name.Split('/');
        string beamtime = parts[0];
        var rest = parts.AsSpan(1);
        blob = rest switch
        {
            [BeamtimeManifest.FileName] => new RawBlobName(name, beamtime, RawBlobKind.BeamtimeManifest, null, null),
            [EchemCsv.FileName] => new RawBlobName(name, beamtime, RawBlobKind.Echem, null, null),
            [XamBeamtime.FolderName, XamBeamtime.CalibrationFileName] => new RawBlobName(name, beamtime, RawBlobKind.XamCalibration, null, null),
            [XamBeamtime.FolderName, var scan] when scan.EndsWith(".csv", StringComparison.Ordinal) => new RawBlobName(name, beamtime, RawBlobKind.XamScan, null, null),
            ["measured", _] => new RawBlobName(name, beamtime, RawBlobKind.Measured, null, null),
            [SeriesManifest.XpcsFolder, var series, SeriesManifest.FileName] => new RawBlobName(name, beamtime, RawBlobKind.SeriesManifest, series, null),
            [SeriesManifest.XpcsFolder, var series, var file] when ChunkPattern().Match(file) is { Success: true } m =>
                new RawBlobName(name, beamtime, RawBlobKind.Chunk, series, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
            [SeriesManifest.XpcsFolder, var series, ..] => new RawBlobName(name, beamtime, RawBlobKind.SeriesFile, series, null),
            _ => new RawBlobName(name, beamtime, RawBlobKind.Other, null, null),
        };
        return true;
    }

    public static RawBlobName Parse(string name) =>
        TryParse(name, out var blob, out string problem) ? blob! : throw new ArgumentException($"raw blob name '{Printable(name)}': {problem}");

    /// <summary>Empty when the name is acceptable, else what is wrong with it.</summary>
    public static string Check(string name)
    {
        if (string.IsNullOrEmpty(name)) return "the name is empty";
        if (name.Length > MaxLength) return $"the name has {name.Length} characters, more than {MaxLength}";
        foreach (char c in name)
            if (char.IsControl(c)) return "the name contains control characters";
        if (name.StartsWith('/') || name.Contains('\\') || (name.Length > 1 && name[1] == ':')) return "the name is an absolute path or contains a backslash";
        string[] parts = name.Split('/');
        if (parts.Length < 2) return "the name is not {beamtime}/...";
        foreach (string part in parts)
        {
            if (part.Length == 0) return "the name has an empty path segment";
            if (part is "." or "..") return "the name contains '.' or '..' segments";
            if (part.Length > MaxSegmentLength) return $"a path segment has more than {MaxSegmentLength} characters";
            if (!SegmentPattern().IsMatch(part)) return $"the segment '{Printable(part)}' has characters outside [A-Za-z0-9._=+-]";
        }
        return "";
    }

    /// <summary>A name safe to print in an error message (control and format characters such as bidi overrides escaped, length capped).</summary>
    public static string Printable(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (char c in name.Length > 200 ? name[..200] + "…" : name)
            text.Append(char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format ? $"\\u{(int)c:x4}" : c.ToString());
        return text.ToString();
    }

    [GeneratedRegex(@"^chunk-(\d{5})\.h5$")]
    private static partial Regex ChunkPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._=+\-]+$")]
    private static partial Regex SegmentPattern();
}
