using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data.Results;

/// <summary>
/// run.json (schema "cloudxpcs.run/1", docs/DATA_CONTRACT.md extensions): written by the pipeline when a run ends,
/// read back by the report through <see cref="Read"/>. <see cref="Parameters"/> is the run request's parameters
/// as the pipeline serialised them.
/// </summary>
public sealed record RunJson(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("created_utc")] string CreatedUtc,
    [property: JsonPropertyName("parameters")] JsonElement Parameters,
    [property: JsonPropertyName("inputs")] IReadOnlyList<RunJsonInput> Inputs,
    [property: JsonPropertyName("versions")] IReadOnlyDictionary<string, string> Versions,
    [property: JsonPropertyName("series")] IReadOnlyList<RunJsonSeries> Series,
    // Optional when read: run.json written before step failures were recorded has none.
    [property: JsonPropertyName("step_failures")] IReadOnlyList<string>? StepFailures = null)
{
    public const string SchemaId = "cloudxpcs.run/1";
    public const string FileName = "run.json";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;

    public static string Serialize(RunJson document) => JsonSerializer.Serialize(document, ResultJson.Options);

    public static RunJson Deserialize(string json, string source) =>
        ResultJson.Deserialize<RunJson>(json, source, FileName, x => x.Schema, SchemaId);

    public static RunJson Read(string path) => Deserialize(Data.Inputs.InputFile.ReadAllText(path, Data.Inputs.InputFile.MaxJsonBytes), path);

    /// <summary>The run request's parameters, each as text (a string as itself, anything else as its JSON).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ParameterTexts() => Parameters.ValueKind == JsonValueKind.Object
        ? Parameters.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name,
            p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())).ToList()
        : [];
}

public sealed record RunJsonInput(
    [property: JsonPropertyName("blob")] string Blob,
    [property: JsonPropertyName("md5")] string? Md5,
    [property: JsonPropertyName("bytes")] long Bytes)
{
    /// <summary>The blob version (ETag) that was read, captured when the analysis was claimed or the run planned.</summary>
    [JsonPropertyName("etag")] public string? ETag { get; init; }
}

public sealed record RunJsonSeries(
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("status")] SeriesStatus Status,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("speed_A_per_s")] double? SpeedAPerS,
    [property: JsonPropertyName("speed_err_A_per_s")] double? SpeedErrAPerS,
    [property: JsonPropertyName("resolvable")] bool? Resolvable,
    [property: JsonPropertyName("analysis_id")] string? AnalysisId = null,
    // The series was given as this result file (relative to the beamtime): its g2 was fitted, correlation skipped.
    [property: JsonPropertyName("result_file")] string? ResultFile = null);
