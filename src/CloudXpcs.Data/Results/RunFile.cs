namespace CloudXpcs.Data.Results;

/// <summary>run.json (schema "cloudxpcs.run/1", written by the pipeline): provenance and the status of each series.</summary>
public sealed record RunFile(
    string? Beamtime,
    string? RunId,
    string? CreatedUtc,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    IReadOnlyList<RunInput> Inputs,
    IReadOnlyList<KeyValuePair<string, string>> Versions,
    IReadOnlyList<RunSeries> Series)
{
    /// <summary>The report's view of run.json (<see cref="RunJson"/> owns the file).</summary>
    public static RunFile Read(string path) => JsonFields.Parse(path, RunJson.SchemaId, root => new RunFile(
        root.OptionalString("beamtime"),
        root.OptionalString("run_id"),
        root.OptionalString("created_utc"),
        root.RawMap("parameters"),
        root.Objects("inputs").Select(i => new RunInput(i.String("blob"), i.OptionalString("md5"), (long?)i.OptionalNumber("bytes"))).ToList(),
        root.RawMap("versions"),
        root.Objects("series").Select(s => new RunSeries(s.String("series"), s.OptionalString("status") ?? "unknown", s.OptionalString("reason"),
            s.OptionalNumber("speed_A_per_s"), s.OptionalNumber("speed_err_A_per_s"), s.OptionalBool("resolvable"))).ToList()));
}

public sealed record RunInput(string Blob, string? Md5, long? Bytes);

public sealed record RunSeries(string Series, string Status, string? Reason, double? SpeedAPerS, double? SpeedErrAPerS, bool? Resolvable);
