using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data.Results;

/// <summary>
/// partial.json: the live result of a series still being acquired, from the frames of its first chunks (chunks
/// 0..<see cref="ChunksCovered"/>−1, all present, in order). It is never a series' result: its schema is not fit.json's
/// (<see cref="FitJson.Read"/> refuses it), <c>partial</c> is always true, it lies outside every analysis and run
/// folder, and the final result replaces it. <see cref="Fit"/> is the heterodyne fit of the prefix's g2 (the same code
/// as fit.json, on fewer frames: shorter delays, larger errors).
/// </summary>
public sealed record PartialResultDocument
{
    public const string SchemaId = "cloudxpcs.partial-fit/1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    [JsonPropertyName("partial")] public bool Partial { get; init; } = true;
    [JsonPropertyName("beamtime")] public required string Beamtime { get; init; }
    [JsonPropertyName("series")] public required string Series { get; init; }
    [JsonPropertyName("frames_covered")] public required int FramesCovered { get; init; }
    [JsonPropertyName("frames_total")] public required int FramesTotal { get; init; }
    [JsonPropertyName("chunks_covered")] public required int ChunksCovered { get; init; }
    [JsonPropertyName("chunks_expected")] public required int ChunksExpected { get; init; }
    /// <summary>When the prefix's last chunk was recorded by the ingest (its upload), and when this result was written.</summary>
    [JsonPropertyName("last_chunk_utc")] public DateTimeOffset? LastChunkUtc { get; init; }
    [JsonPropertyName("computed_utc")] public required DateTimeOffset ComputedUtc { get; init; }
    /// <summary>Seconds spent on this partial (download, correlation, fit).</summary>
    [JsonPropertyName("compute_s")] public double ComputeS { get; init; }
    /// <summary>The partial g2 beside this document (g2.h5 layout, lags up to the frames covered).</summary>
    [JsonPropertyName("g2_file")] public required string G2File { get; init; }
    [JsonPropertyName("fit")] public required FitDocument Fit { get; init; }

    /// <summary>The prefix's speed (null when not resolvable yet) and its error.</summary>
    [JsonIgnore] public double? SpeedAPerS => Fit.Velocity.Resolvable ? Fit.Velocity.SpeedAPerS : null;
}

public static class PartialResultJson
{
    public const string FileName = "partial.json";
    public const string G2FileName = "partial-g2.h5";

    public static string Serialize(PartialResultDocument document) => JsonSerializer.Serialize(document, ResultJson.Options);

    /// <param name="source">File or blob name, for error messages.</param>
    public static PartialResultDocument Deserialize(string json, string source)
    {
        var document = ResultJson.Deserialize<PartialResultDocument>(json, source, FileName, x => x.Schema, PartialResultDocument.SchemaId);
        if (!document.Partial) throw new DataContractException(source, "partial.json must say \"partial\": true");
        if (document.Fit is null || document.Fit.Velocity is null) throw new DataContractException(source, "partial.json has no 'fit' with a 'velocity'");
        if (document.ChunksExpected < 2 || document.ChunksCovered < 1 || document.ChunksCovered >= document.ChunksExpected)
            throw new DataContractException(source, $"chunks_covered {document.ChunksCovered} of {document.ChunksExpected}: a partial result covers 1..chunks_expected-1 chunks");
        if (document.FramesCovered < 2 || document.FramesCovered >= document.FramesTotal)
            throw new DataContractException(source, $"frames_covered {document.FramesCovered} of {document.FramesTotal}: a partial result covers 2..frames_total-1 frames");
        return document;
    }

    /// <summary>Writes atomically: a temporary file in the same folder, then a rename over the target.</summary>
    public static void Write(string path, PartialResultDocument document)
    {
        Deserialize(Serialize(document), path);   // never write what the reader refuses
        AtomicFile.WriteAllText(path, Serialize(document));
    }

    public static PartialResultDocument Read(string path)
    {
        if (!File.Exists(path)) throw new DataContractException(path, "partial.json not found");
        return Deserialize(Inputs.InputFile.ReadAllText(path, Inputs.InputFile.MaxJsonBytes), path);
    }
}
