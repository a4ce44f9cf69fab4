using System.Text.Json.Serialization;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Pipeline.Contracts;

/// <summary>q/χ binning that replaces the series' own (reprocessing with new parameters).</summary>
public sealed record QMapOverride(
    [property: JsonPropertyName("q_min_inv_A")] double QMinInvA,
    [property: JsonPropertyName("q_max_inv_A")] double QMaxInvA,
    [property: JsonPropertyName("q_bins")] int QBins,
    [property: JsonPropertyName("phi_bins")] int PhiBins,
    [property: JsonPropertyName("static_per_dynamic")] int StaticPerDynamic)
{
    public QMapSpec ToSpec() => new() { QMinInvA = QMinInvA, QMaxInvA = QMaxInvA, QBins = QBins, PhiBins = PhiBins, StaticPerDynamic = StaticPerDynamic };

    public void Validate()
    {
        if (!(QMinInvA >= 0) || !(QMaxInvA > QMinInvA) || !double.IsFinite(QMaxInvA))
            throw new ArgumentException($"qmap: need 0 <= q_min < q_max (finite), got {QMinInvA:R}..{QMaxInvA:R} 1/A");
        if (QBins is < 1 or > 1000 || PhiBins is < 1 or > 3600 || StaticPerDynamic is < 1 or > 100)
            throw new ArgumentException($"qmap: q_bins 1..1000, phi_bins 1..3600, static_per_dynamic 1..100 (got {QBins}, {PhiBins}, {StaticPerDynamic})");
        // The same cost budget as the workers apply per series, so that a run that cannot fit is refused at the start.
        try { Analysis.Xpcs.ResourceBudget.FromEnvironment().CheckQMap(ToSpec(), "qmap"); }
        catch (Data.DataContractException ex) { throw new ArgumentException(ex.Message, ex); }
    }
}

/// <summary>Parameters of a beamtime run; the defaults reproduce the series' own binning and the beamtime's sets.</summary>
public sealed record RunParameters
{
    [JsonPropertyName("qmap")] public QMapOverride? QMap { get; init; }

    /// <summary>Transport sets to simulate (built-in names); null = those of beamtime.json.</summary>
    [JsonPropertyName("transport_sets")] public IReadOnlyList<string>? TransportSets { get; init; }

    /// <summary>Series with more pixels than this are correlated in pixel shards (one activity each), then merged.</summary>
    [JsonPropertyName("shard_threshold_pixels")] public long ShardPixelThreshold { get; init; } = 1L << 20;

    /// <summary>Fit the transference number to all measurements (simulation sweep fanned out as activities).</summary>
    [JsonPropertyName("infer")] public bool Infer { get; init; } = true;

    /// <summary>How long a run waits for a series that another orchestration is analysing.</summary>
    [JsonPropertyName("wait_for_series_min")] public double WaitForSeriesMinutes { get; init; } = 30;

    /// <summary>An incomplete series whose last upload (series.json or chunk) is older than this is reported stale.</summary>
    [JsonPropertyName("stale_after_min")] public double StaleAfterMinutes { get; init; } = PipelineDefaults.StaleAfterMinutes;

    /// <summary>Two-time correlation of every correlated series (part of the analysis id); null: none.</summary>
    [JsonPropertyName("twotime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public TwoTimeParameters? TwoTime { get; init; }
}

/// <summary>Input of the series orchestration: which content (analysis id) to analyse with which binning.</summary>
/// <param name="ResultBlob">The result file of a series given as one (correlation skipped), else null.</param>
public sealed record SeriesAnalysisRequest(string Beamtime, string Series, string AnalysisId, QMapOverride? QMap, int Shards, string? ResultBlob = null)
{
    /// <summary>The run's two-time options (part of the analysis id); null: multi-tau only.</summary>
    public TwoTimeParameters? TwoTime { get; init; }
}

/// <summary>What a series orchestration found: status, speed, where the results are, and timings.</summary>
public sealed record SeriesAnalysisOutcome(
    string Beamtime, string Series, string AnalysisId, SeriesStatus Status, string? Reason, string ResultPrefix,
    double? SpeedAPerS, double? SpeedErrAPerS, bool? Resolvable, double ActivityMs, double OrchestrationMs);

/// <summary>One correlation activity: the whole series (Shards = 1) or one pixel shard of it.</summary>
/// <remarks>With <see cref="TwoTime"/> the shards' sums are always merged by <c>MergeShardsActivity</c>, which adds the bin groups' two-time.</remarks>
public sealed record CorrelateRequest(string Beamtime, string Series, string AnalysisId, QMapOverride? QMap, int Shard, int Shards)
{
    public TwoTimeParameters? TwoTime { get; init; }

    /// <summary>
    /// A fit for a run (null: the analysis' own fit): the beamtime-level versions the run planned, read instead of what
    /// raw holds now, and the run folder's fit.json it writes (see <c>SeriesFitInputs</c>).
    /// </summary>
    public RunFit? ForRun { get; init; }
}

/// <summary>A series fitted again for a run with the beamtime-level files the run planned, into the run folder.</summary>
public sealed record RunFit(IReadOnlyList<Data.Results.RunJsonInput> BeamtimeInputs, string FitBlob);

/// <summary>One two-time bin group of a series (<see cref="TwoTimeParameters.BinGroups"/> activities).</summary>
public sealed record TwoTimeGroupRequest(CorrelateRequest Series, int Group);

/// <summary>Any activity's small answer: the blob it wrote and how long it took.</summary>
public sealed record ActivityResult(string Blob, double Ms);

/// <summary>The fit activity's answer.</summary>
public sealed record FitResult(string Blob, double Ms, double? SpeedAPerS, double? SpeedErrAPerS, bool Resolvable);

/// <summary>Records the end state of an analysis in the tables and notifies.</summary>
public sealed record AnalysisCompletion(SeriesAnalysisOutcome Outcome);

/// <summary>Input of the beamtime orchestration.</summary>
public sealed record BeamtimeRunRequest(string Beamtime, string RunId, RunParameters Parameters);

/// <summary>A series of the run plan: the analysis to use and whether it already exists.</summary>
/// <param name="ResultFile">The result file (relative to the beamtime) of a series given as one, else null.</param>
public sealed record PlannedSeries(string Series, string? AnalysisId, string State, string? Reason, int Shards, string? ResultFile = null);

/// <summary>The run plan: complete series with their analysis, incomplete ones with the reason; sets to simulate.</summary>
public sealed record RunPlan(string Beamtime, string RunId, string ResultPrefix, IReadOnlyList<PlannedSeries> Series,
    IReadOnlyList<string> TransportSets, bool HasXam, bool HasEchem)
{
    /// <summary>Versions of the beamtime-level raw blobs (beamtime.json, echem.csv, xam/, measured/) when the run was planned.</summary>
    public IReadOnlyList<Data.Results.RunJsonInput>? BeamtimeInputs { get; init; }
}

/// <summary>Claiming an analysis for a run: "claimed" (run it), "analysed"/"failed" (reuse), "running" (wait).</summary>
public sealed record ClaimRequest(string Beamtime, string Series, string AnalysisId, string Owner)
{
    /// <summary>The run's binning (part of the analysis id), so that the claim captures the blob versions of exactly that content.</summary>
    public QMapOverride? QMap { get; init; }

    public TwoTimeParameters? TwoTime { get; init; }
}

public sealed record ClaimResult(string State, SeriesAnalysisOutcome? Outcome)
{
    public DateTimeOffset? ClaimedUtc { get; init; }
}

/// <summary>
/// Copy one analysis' results into the run folder: g2.h5, and fit.json when its fit read the beamtime-level versions
/// the run planned (the answer says whether it did; otherwise the run fits the series again).
/// </summary>
public sealed record PublishSeriesRequest(string RunPrefix, SeriesAnalysisOutcome Outcome)
{
    /// <summary>The beamtime-level versions the run planned (<see cref="RunPlan.BeamtimeInputs"/>); null: fit.json is copied as it is.</summary>
    public IReadOnlyList<Data.Results.RunJsonInput>? BeamtimeInputs { get; init; }
}

/// <summary>A run that could not be planned (e.g. an unknown transport set): recorded as failed with the reason.</summary>
public sealed record FailRunRequest(string Beamtime, string RunId, string InstanceId, RunParameters Parameters, string Reason, DateTime CreatedUtc);

public sealed record BeamtimeStepRequest(string Beamtime, string RunId, string RunPrefix);

public sealed record SimulateRequest(string Beamtime, string RunPrefix, string Set);

public sealed record CompareRequest(string Beamtime, string RunId, string RunPrefix, IReadOnlyList<string> Sets);

/// <summary>The transference-number sweep of a run with a base set, at a given round (candidates and misfits are blobs).</summary>
public sealed record InferenceRequest(string Beamtime, string RunPrefix, string BaseSet, int Round);

public sealed record InferenceBatchRequest(InferenceRequest Request, int Batch);

/// <summary>Final step of a run: run.json, table rows, latest pointer, notification.</summary>
/// <summary>The series outcomes are read back from the plan blob and the analyses table (payloads stay small).</summary>
public sealed record CommitRunRequest(string Beamtime, string RunId, string RunPrefix, string InstanceId, RunParameters Parameters,
    IReadOnlyList<string> StepFailures, DateTime CreatedUtc);

public sealed record RunOutcome(string Beamtime, string RunId, RunStatus Status, string ResultPrefix, int SeriesAnalysed, int SeriesFailed,
    IReadOnlyList<string> StepFailures)
{
    public int SeriesUnresolvable { get; init; }
}
