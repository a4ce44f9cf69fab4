using System.Text.Json.Serialization;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Http;

/// <summary>A run as the HTTP endpoints show it (from its row in the runs table).</summary>
public sealed record RunView(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("status")] RunStatus Status,
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("result_prefix")] string ResultPrefix,
    [property: JsonPropertyName("parameters_json")] string ParametersJson,
    [property: JsonPropertyName("created_utc")] DateTimeOffset? CreatedUtc,
    [property: JsonPropertyName("completed_utc")] DateTimeOffset? CompletedUtc,
    [property: JsonPropertyName("series_analysed")] int SeriesAnalysed,
    [property: JsonPropertyName("series_failed")] int SeriesFailed,
    [property: JsonPropertyName("series_unresolvable")] int SeriesUnresolvable,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("latest")] bool Latest)
{
    public static RunView From(RunRow row, bool latest) => new(row.PartitionKey, row.RunId.Length > 0 ? row.RunId : row.RowKey, row.Status,
        row.InstanceId, row.ResultPrefix, row.ParametersJson, row.CreatedUtc, row.CompletedUtc, row.SeriesAnalysed, row.SeriesFailed,
        row.SeriesUnresolvable, row.Reason, latest);
}

/// <summary>One series of the beamtime with its current upload and analysis state (series table).</summary>
public sealed record SeriesView(
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("status")] SeriesStatus Status,
    [property: JsonPropertyName("analysis_id")] string? AnalysisId,
    [property: JsonPropertyName("chunks_expected")] int ChunksExpected,
    [property: JsonPropertyName("missing_chunks")] string MissingChunks,
    [property: JsonPropertyName("speed_A_per_s")] double? SpeedAPerS,
    [property: JsonPropertyName("speed_err_A_per_s")] double? SpeedErrAPerS,
    [property: JsonPropertyName("resolvable")] bool? Resolvable,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("last_upload_utc")] DateTimeOffset? LastUploadUtc)
{
    public static SeriesView From(SeriesRow row) => new(row.RowKey, row.Status, row.AnalysisId, row.ChunksExpected, row.MissingChunks,
        row.SpeedAPerS, row.SpeedErrAPerS, row.Resolvable, row.Reason, row.LastUploadUtc);
}

/// <summary>Answer of GET .../runs/{runId}: the run row (or, before its plan step wrote it, the orchestration's state) and the series.</summary>
public sealed record RunStatusView(
    [property: JsonPropertyName("run")] RunView? Run,
    [property: JsonPropertyName("orchestration_status")] string? OrchestrationStatus,
    [property: JsonPropertyName("series")] IReadOnlyList<SeriesView> Series);

public sealed record RunListView(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("latest_run_id")] string? LatestRunId,
    [property: JsonPropertyName("runs")] IReadOnlyList<RunView> Runs);

public sealed record ResultBlobView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("md5")] string? Md5);

public sealed record RunResultsView(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("blobs")] IReadOnlyList<ResultBlobView> Blobs);

/// <summary>Answer of POST .../runs: 202 Accepted.</summary>
public sealed record RunStartedView(
    [property: JsonPropertyName("beamtime")] string Beamtime,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("status_url")] string StatusUrl);
