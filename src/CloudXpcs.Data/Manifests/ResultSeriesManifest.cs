using System.Text.Json;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// series.json of a series given as a correlation result file instead of raw frames (DATA_CONTRACT section 1.1,
/// "A series given as a result file"): the series folder holds the result file that <see cref="ResultPath"/> names
/// (an APS 8-ID-I result .hdf from the beamline, or a g2.h5 of <c>cloudxpcs correlate</c>) and no chunks. Frames,
/// frame time, detector, q/φ binning and lags come from the file, so series.json carries only where and when the
/// series was measured; the keys of a raw series that the file answers are refused rather than silently ignored.
/// </summary>
public sealed record ResultSeriesManifest
{
    /// <summary>The key whose presence makes a series.json a result series.</summary>
    public const string ResultKey = "result";

    private static readonly string[] Keys = ["schema", "beamtime", "series", ResultKey, "position_mm", "polarization_time_min"];
    private static readonly string[] RawSeriesKeys = ["frames", "chunks", "frame_time_s", "detector", "flow_axis_deg", "mask", "qmap", "multitau"];

    public required string Beamtime { get; init; }
    public required string Series { get; init; }
    /// <summary>The result file, relative to the series folder ('/' separated).</summary>
    public required string ResultPath { get; init; }
    public required double PositionMm { get; init; }
    public required double PolarizationTimeMin { get; init; }

    /// <summary>True when the series.json text names a result file (its root object has the "result" key).</summary>
    public static bool Declares(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = ManifestJson.MaxDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(ResultKey, out _);
        }
        catch (JsonException)
        {
            return false;   // the series.json parser reports the syntax error
        }
    }

    /// <summary>True when the series.json at <paramref name="path"/> names a result file.</summary>
    public static bool IsResultSeries(string path) => File.Exists(path) && Declares(ManifestJson.ReadManifestText(path));

    public static ResultSeriesManifest Load(string path) => Parse(ManifestJson.ReadManifestText(path), path);

    /// <param name="source">File path or blob name used in error messages.</param>
    public static ResultSeriesManifest Parse(string json, string source)
    {
        var (document, root) = ManifestJson.ParseRoot(json, source);
        using (document)
        {
            string schema = root.RequiredString("schema");
            if (schema != SeriesManifest.SchemaId)
                throw root.Error($"unknown schema \"{ManifestNames.Shorten(schema)}\" (expected \"{SeriesManifest.SchemaId}\")");
            foreach (string key in RawSeriesKeys)
                if (root.Has(key))
                    throw root.Error($"field '{key}' does not belong in a series given as a result file ('{ResultKey}'): " +
                                     "frames, frame time, detector, binning and lags come from the result file");
            root.RejectUnknownFields(Keys);
            var manifest = new ResultSeriesManifest
            {
                Beamtime = root.RequiredString("beamtime"),
                Series = root.RequiredString("series"),
                ResultPath = root.RequiredString(ResultKey),
                PositionMm = root.RequiredDouble("position_mm"),
                PolarizationTimeMin = root.RequiredDouble("polarization_time_min"),
            };
            manifest.Validate(source);
            return manifest;
        }
    }

    public void Validate(string source)
    {
        void Fail(string problem) => throw new DataContractException(source, problem);
        if (ManifestNames.SegmentProblem(Beamtime) is { } beamtimeProblem) Fail($"field 'beamtime' {beamtimeProblem} (got \"{ManifestNames.Shorten(Beamtime)}\")");
        if (ManifestNames.SegmentProblem(Series) is { } seriesProblem) Fail($"field 'series' {seriesProblem} (got \"{ManifestNames.Shorten(Series)}\")");
        if (ManifestNames.RelativePathProblem(ResultPath) is { } resultProblem)
            Fail($"field '{ResultKey}' {resultProblem} (got \"{ManifestNames.Shorten(ResultPath)}\")");
        if (ResultPath.Split('/')[^1] is SeriesManifest.FileName) Fail($"field '{ResultKey}' must name the result file, not {SeriesManifest.FileName}");
        if (!double.IsFinite(PositionMm)) Fail("field 'position_mm' must be finite");
        if (!double.IsFinite(PolarizationTimeMin)) Fail("field 'polarization_time_min' must be finite");
    }

    /// <summary>The result file's local path in <paramref name="seriesFolder"/>.</summary>
    public string ResultFileIn(string seriesFolder) => Path.Combine(seriesFolder, ResultPath.Replace('/', Path.DirectorySeparatorChar));
}
