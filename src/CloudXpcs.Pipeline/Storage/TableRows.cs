using Azure;
using Azure.Data.Tables;
using System.Runtime.Serialization;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>Common columns of every row the pipeline writes.</summary>
public abstract class PipelineRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}

/// <summary>Table `series`: one row per series of a beamtime (PK beamtime, RK series): upload state and latest analysis.</summary>
public sealed class SeriesRow : PipelineRow
{
    [IgnoreDataMember] public SeriesStatus Status { get => PipelineStatusNames.ParseSeriesStatus(StatusName); set => StatusName = value.Name(); }
    /// <summary>The stored column "Status" (<see cref="PipelineStatusNames"/>).</summary>
    [DataMember(Name = "Status")] public string StatusName { get; set; } = SeriesStatus.Incomplete.Name();
    public string? ManifestMd5 { get; set; }
    public string? ManifestETag { get; set; }
    /// <summary>Chunks series.json declares; −1 until series.json arrived.</summary>
    public int ChunksExpected { get; set; } = -1;
    public int Frames { get; set; }
    public long PixelsPerFrame { get; set; }
    public double PositionMm { get; set; }
    public double PolarizationTimeMin { get; set; }
    /// <summary>series.json "mask" (relative to the series folder), or null.</summary>
    public string? MaskPath { get; set; }
    /// <summary>series.json "result" (relative to the series folder) of a series given as a result file (no chunks), or null.</summary>
    public string? ResultPath { get; set; }
    /// <summary>series.json "raw": the detector's files holding the frames, '\n'-separated names in frame order; null for chunks.</summary>
    public string? RawFiles { get; set; }
    /// <summary>series.json "qmap_file": the masking tool's q-map in the series folder, or null.</summary>
    public string? QMapFile { get; set; }
    public int ChunksSeen { get; set; }
    /// <summary>Missing chunk indices, e.g. "2,5-7" (empty when none or unknown).</summary>
    public string MissingChunks { get; set; } = "";
    public DateTimeOffset? LastUploadUtc { get; set; }
    public string? AnalysisId { get; set; }
    public string? InstanceId { get; set; }
    public double? SpeedAPerS { get; set; }
    public double? SpeedErrAPerS { get; set; }
    public bool? Resolvable { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Table `chunks`: one row per uploaded chunk (PK "{beamtime}|{series}", RK chunk index D5).</summary>
public sealed class ChunkRow : PipelineRow
{
    public string BlobName { get; set; } = "";
    public string ContentMd5 { get; set; } = "";
    public string BlobETag { get; set; } = "";
    public long Bytes { get; set; }

    public static string Partition(string beamtime, string series) => beamtime + "|" + series;
    public static string Row(int chunkIndex) => chunkIndex.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Table `analyses`: one row per analysis of a series content with given parameters (PK beamtime, RK analysis id).
/// Inserting the row claims the analysis, so that exactly one orchestration computes it.
/// </summary>
public sealed class AnalysisRow : PipelineRow
{
    public string Series { get; set; } = "";
    public string Owner { get; set; } = "";
    [IgnoreDataMember] public SeriesStatus Status { get => PipelineStatusNames.ParseSeriesStatus(StatusName); set => StatusName = value.Name(); }
    /// <summary>The stored column "Status" (<see cref="PipelineStatusNames"/>).</summary>
    [DataMember(Name = "Status")] public string StatusName { get; set; } = SeriesStatus.Queued.Name();
    public string? Reason { get; set; }
    public string ResultPrefix { get; set; } = "";
    public double? SpeedAPerS { get; set; }
    public double? SpeedErrAPerS { get; set; }
    public bool? Resolvable { get; set; }
    public int Shards { get; set; } = 1;
    public double ActivityMs { get; set; }
    public double OrchestrationMs { get; set; }
    public DateTimeOffset? CompletedUtc { get; set; }
}

/// <summary>Table `runs`: one row per beamtime run (PK beamtime, RK run id) and a row RK "latest" naming the latest completed run.</summary>
public sealed class RunRow : PipelineRow
{
    public const string LatestRowKey = "latest";
    [IgnoreDataMember] public RunStatus Status { get => PipelineStatusNames.ParseRunStatus(StatusName); set => StatusName = value.Name(); }
    /// <summary>The stored column "Status" (<see cref="PipelineStatusNames"/>).</summary>
    [DataMember(Name = "Status")] public string StatusName { get; set; } = RunStatus.Running.Name();
    public string RunId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string ParametersJson { get; set; } = "{}";
    public string ResultPrefix { get; set; } = "";
    public DateTimeOffset? CreatedUtc { get; set; }
    public DateTimeOffset? CompletedUtc { get; set; }
    public int SeriesAnalysed { get; set; }
    public int SeriesFailed { get; set; }
    public int SeriesUnresolvable { get; set; }
    public string? Reason { get; set; }
}

/// <summary>Table `comparisons`: one row per transport set of a run (PK beamtime, RK "{runId}|{set}").</summary>
public sealed class ComparisonRow : PipelineRow
{
    public string RunId { get; set; } = "";
    public string Set { get; set; } = "";
    public int Rank { get; set; }
    public double? Score { get; set; }
    public string Reasons { get; set; } = "";
}

/// <summary>Table `rejections`: raw blobs the pipeline refused (PK beamtime or "(none)", RK hash of the name).</summary>
public sealed class RejectionRow : PipelineRow
{
    public string BlobName { get; set; } = "";
    public string Problem { get; set; } = "";
}
