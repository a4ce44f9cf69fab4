using System.Text.Json;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// series.json's "qmap_file": a q-map made by the field's masking tools (a result file's /xpcs/qmap or
/// pySimpleMask's /qmap), a plain name in the series folder. Correlation uses its bins as they are, instead of the
/// equal-width binning of "qmap".
/// </summary>
public sealed record SeriesQMapFile(string Name)
{
    public const string Key = "qmap_file";

    internal static SeriesQMapFile Parse(ManifestJson root)
    {
        string name = root.RequiredString(Key);
        if (ManifestNames.SegmentProblem(name) is { } problem)
            throw root.Error($"field '{Key}' {problem}; it is a plain name in the series folder (got \"{ManifestNames.Shorten(name)}\")");
        if (name == SeriesManifest.FileName) throw root.Error($"field '{Key}' names {SeriesManifest.FileName} itself");
        return new SeriesQMapFile(name);
    }

    internal void Write(Utf8JsonWriter w) => w.WriteString(Key, Name);
}
