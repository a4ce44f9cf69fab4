using System.Text.Json;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// series.json's "raw": the series' frames as the detector wrote them, instead of contract chunks. Files are plain
/// names in the series folder in frame order (for HDF5 a master file may come first; it contributes frames only
/// when it stores <see cref="Dataset"/> itself).
/// </summary>
public sealed record SeriesRawFiles(string Format, IReadOnlyList<string> Files, string Dataset)
{
    public const string Key = "raw";
    public const string Hdf5 = "hdf5";
    public const string Rigaku500K = "rigaku-500k";
    public const string Rigaku3M = "rigaku-3m";
    public const string Imm = "imm";
    public const string DefaultDataset = "/entry/data/data";
    public static readonly IReadOnlyList<string> Formats = [Hdf5, Rigaku500K, Rigaku3M, Imm];
    public const int MaxFiles = 100_000;

    internal static SeriesRawFiles Parse(ManifestJson raw)
    {
        raw.RejectUnknownFields("format", "files", "dataset");
        string format = raw.RequiredString("format");
        if (!Formats.Contains(format))
            throw raw.Error($"field '{raw.Path("format")}' must be one of {string.Join(", ", Formats.Select(f => $"\"{f}\""))} (got \"{ManifestNames.Shorten(format)}\")");
        var files = raw.RequiredStringArray("files");
        if (files.Count == 0) throw raw.Error($"field '{raw.Path("files")}' names no file");
        if (files.Count > MaxFiles) throw raw.Error($"field '{raw.Path("files")}' names {files.Count} files, more than {MaxFiles}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (ManifestNames.SegmentProblem(file) is { } problem)
                throw raw.Error($"field '{raw.Path("files")}': file name {problem}; files are plain names in the series folder (got \"{ManifestNames.Shorten(file)}\")");
            if (file == SeriesManifest.FileName) throw raw.Error($"field '{raw.Path("files")}' names {SeriesManifest.FileName} itself");
            if (!seen.Add(file)) throw raw.Error($"field '{raw.Path("files")}' names \"{ManifestNames.Shorten(file)}\" twice");
        }
        string dataset = DefaultDataset;
        if (raw.Has("dataset"))
        {
            if (format != Hdf5) throw raw.Error($"field '{raw.Path("dataset")}' applies to format \"{Hdf5}\" only");
            dataset = raw.RequiredString("dataset");
            if (!dataset.StartsWith('/') || dataset.Length > 500 || dataset.Contains("//") || dataset.Any(char.IsControl) || dataset.Split('/').Any(s => s is "." or ".."))
                throw raw.Error($"field '{raw.Path("dataset")}' must be an absolute HDF5 dataset path such as {DefaultDataset} (got \"{ManifestNames.Shorten(dataset)}\")");
        }
        return new SeriesRawFiles(format, files, dataset);
    }

    internal void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject(Key);
        w.WriteString("format", Format);
        w.WriteStartArray("files");
        foreach (var file in Files) w.WriteStringValue(file);
        w.WriteEndArray();
        if (Format == Hdf5) w.WriteString("dataset", Dataset);
        w.WriteEndObject();
    }
}
