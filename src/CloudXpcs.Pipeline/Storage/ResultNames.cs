using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>Blob names in the results container (DATA_CONTRACT section 5 and our extensions).</summary>
public static class ResultNames
{
    /// <summary>Where one analysis (series content + parameters) keeps g2.h5 and fit.json, shared by every run that uses it.</summary>
    public static string AnalysisPrefix(string beamtime, string series, string analysisId) => $"{beamtime}/analyses/{series}/{analysisId}/";

    public static string ShardBlob(string analysisPrefix, int shard) => $"{analysisPrefix}shards/{shard:D3}.sums";

    /// <summary>The two-time maps of one bin group of an analysis (merged into its g2.h5 /xpcs/twotime).</summary>
    public static string TwoTimeGroupBlob(string analysisPrefix, int group) => $"{analysisPrefix}twotime/{group:D3}.maps";

    /// <summary>results/{beamtime}/runs/{runId}/ (contract section 5).</summary>
    public static string RunPrefix(string beamtime, string runId) => $"{beamtime}/runs/{runId}/";

    public const string PlanFile = "plan.json";
    public const string RunFile = RunJson.FileName;
    public const string G2File = G2Paths.FileName;
    public const string FitFile = FitJson.FileName;

    public static string SeriesFolder(string series) => $"{SeriesManifest.XpcsFolder}/{series}/";

    public static string SeriesOrchestrationId(string beamtime, string series, string analysisId) => $"series:{beamtime}:{series}:{analysisId}";

    public static string RunOrchestrationId(string beamtime, string runId) => $"run:{beamtime}:{runId}";

    /// <summary>A new run id: UTC time plus a short random suffix (runs sort by time; earlier runs are kept).</summary>
    public static string NewRunId(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'") + "-" + Guid.NewGuid().ToString("N")[..6];
}
