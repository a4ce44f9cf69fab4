using System.Text.Json;
using System.Text.Json.Serialization;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Science.Comparison;

namespace CloudXpcs.Data.Comparison;

/// <summary>comparison.json (schema "cloudxpcs.comparison/1"); numbers that are not finite are written as null.</summary>
public sealed record ComparisonDocument
{
    public const string SchemaId = "cloudxpcs.comparison/1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    [JsonPropertyName("beamtime")] public required string Beamtime { get; init; }
    [JsonPropertyName("velocity_window_min")] public required double[] VelocityWindowMin { get; init; }
    [JsonPropertyName("outlier_sigmas")] public double OutlierSigmas { get; init; } = 1.5;
    [JsonPropertyName("misfit_options")] public MisfitOptionsJson? MisfitOptions { get; init; }
    [JsonPropertyName("measured")] public required MeasuredJson Measured { get; init; }
    [JsonPropertyName("sets")] public required IReadOnlyList<SetComparisonJson> Sets { get; init; }
    [JsonPropertyName("ranking")] public required IReadOnlyList<SetRankingJson> Ranking { get; init; }

    public static ComparisonDocument From(BeamtimeComparison comparison, ComparisonOptions options) => new()
    {
        Beamtime = comparison.Beamtime,
        VelocityWindowMin = [comparison.VelocityWindowStartMin, comparison.VelocityWindowEndMin],
        OutlierSigmas = options.OutlierSigmas,
        MisfitOptions = MisfitOptionsJson.From(options.Misfit),
        Measured = MeasuredJson.From(comparison.Measured),
        Sets = comparison.Sets.Select(SetComparisonJson.From).ToList(),
        Ranking = comparison.Ranking.Select(r => new SetRankingJson(r.Set, r.Rank, r.Reasons.ToList())).ToList(),
    };
}

public sealed record MisfitOptionsJson(
    [property: JsonPropertyName("current_relative_error")] double CurrentRelativeError,
    [property: JsonPropertyName("concentration_error_floor_M")] double ConcentrationErrorFloorM,
    [property: JsonPropertyName("velocity_relative_error_floor")] double VelocityRelativeErrorFloor,
    [property: JsonPropertyName("velocity_error_floor_A_per_s")] double VelocityErrorFloorAPerS)
{
    public static MisfitOptionsJson From(MisfitOptions o) =>
        new(o.CurrentRelativeError, o.ConcentrationErrorFloorM, o.VelocityRelativeErrorFloor, o.VelocityErrorFloorAPerS);
}

public sealed record CurrentSeriesJson(
    [property: JsonPropertyName("time_min")] IReadOnlyList<double> TimeMin,
    [property: JsonPropertyName("current_mA_cm2")] IReadOnlyList<double> CurrentMAPerCm2);

public sealed record ProfilePointJson(
    [property: JsonPropertyName("time_min")] double TimeMin,
    [property: JsonPropertyName("position_mm")] double PositionMm,
    [property: JsonPropertyName("concentration_M")] double ConcentrationM,
    [property: JsonPropertyName("concentration_err_M")] double ConcentrationErrM);

public sealed record VelocityPointJson(
    [property: JsonPropertyName("time_min")] double TimeMin,
    [property: JsonPropertyName("position_mm")] double PositionMm,
    [property: JsonPropertyName("v_eo_A_per_s")] double VEoAPerS,
    [property: JsonPropertyName("v_eo_err_A_per_s")] double VEoErrAPerS,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("series")] string? Series);

public sealed record MeasuredJson(
    [property: JsonPropertyName("current")] CurrentSeriesJson Current,
    [property: JsonPropertyName("profiles")] IReadOnlyList<ProfilePointJson> Profiles,
    [property: JsonPropertyName("velocities")] IReadOnlyList<VelocityPointJson> Velocities)
{
    public const string FitSource = "fit";
    public const string MeasuredCsvSource = "measured_csv";

    public static MeasuredJson From(MeasuredBeamtime m) => new(
        new CurrentSeriesJson(m.Current.Select(c => c.TimeMin).ToList(), m.Current.Select(c => c.CurrentMAPerCm2).ToList()),
        m.Profiles.Select(p => new ProfilePointJson(p.TimeMin, p.PositionMm, p.ConcentrationM, p.ConcentrationErrM)).ToList(),
        m.Velocities.Select(v => new VelocityPointJson(v.TimeMin, v.PositionMm, v.VEoAPerS, v.VEoErrAPerS,
            v.Source == VelocitySource.Fit ? FitSource : MeasuredCsvSource, v.Series)).ToList());
}

public sealed record SetComparisonJson(
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("current")] CurrentRatioJson Current,
    [property: JsonPropertyName("profiles")] IReadOnlyList<ProfileComparisonJson> Profiles,
    [property: JsonPropertyName("velocities")] VelocityComparisonJson Velocities,
    // Optional when read: comparisons written before the misfit breakdown have none.
    [property: JsonPropertyName("misfit")] MisfitJson? Misfit = null,
    [property: JsonPropertyName("score")] double? Score = null)
{
    /// <summary>The thermodynamic factor the set's simulation used ("unknown" for simulation files without it); null when read from a comparison written before it was recorded.</summary>
    [JsonPropertyName("thermo_factor")] public string? ThermodynamicFactor { get; init; }
    /// <summary>The simulation's warnings, e.g. properties clamped outside their tables.</summary>
    [JsonPropertyName("warnings")] public IReadOnlyList<string> Warnings { get; init; } = [];

    public static SetComparisonJson From(SetComparison s) => new(
        s.Set,
        new CurrentRatioJson(s.Current.TimeMin, s.Current.RatioPredictedToMeasured.Select(ResultJson.Finite).ToList()),
        s.Profiles.Select(p => new ProfileComparisonJson(p.TimeMin, p.RmseM, p.MaxAbsDevM, ResultJson.Finite(p.MeasuredGradientCentreMm),
            ResultJson.Finite(p.PredictedGradientCentreMm), p.Points)).ToList(),
        new VelocityComparisonJson(
            s.Velocities.Positions.Select(p => new PositionRatioJson(p.PositionMm, ResultJson.Finite(p.RatioMean), ResultJson.Finite(p.RatioStd), p.Points)).ToList(),
            ResultJson.Finite(s.Velocities.RatioMean), ResultJson.Finite(s.Velocities.RatioStd), s.Velocities.PositionsWithinBandMm.ToList(),
            ResultJson.Finite(s.Velocities.RatioMeanWithinBand)),
        MisfitJson.From(s.Misfit),
        ResultJson.Finite(s.Score))
    {
        ThermodynamicFactor = s.ThermodynamicFactor ?? "unknown", Warnings = s.Warnings,
    };
}

public sealed record CurrentRatioJson(
    [property: JsonPropertyName("time_min")] IReadOnlyList<double> TimeMin,
    [property: JsonPropertyName("ratio_predicted_to_measured")] IReadOnlyList<double?> RatioPredictedToMeasured);

public sealed record ProfileComparisonJson(
    [property: JsonPropertyName("time_min")] double TimeMin,
    [property: JsonPropertyName("rmse_M")] double RmseM,
    [property: JsonPropertyName("max_abs_dev_M")] double MaxAbsDevM,
    // Optional when read (older comparisons).
    [property: JsonPropertyName("measured_gradient_centre_mm")] double? MeasuredGradientCentreMm = null,
    [property: JsonPropertyName("predicted_gradient_centre_mm")] double? PredictedGradientCentreMm = null,
    [property: JsonPropertyName("n")] int N = 0);

public sealed record PositionRatioJson(
    [property: JsonPropertyName("position_mm")] double PositionMm,
    [property: JsonPropertyName("ratio_mean")] double? RatioMean,
    [property: JsonPropertyName("ratio_std")] double? RatioStd,
    [property: JsonPropertyName("n")] int N);

public sealed record VelocityComparisonJson(
    [property: JsonPropertyName("positions")] IReadOnlyList<PositionRatioJson> Positions,
    [property: JsonPropertyName("ratio_mean")] double? RatioMean,
    [property: JsonPropertyName("ratio_std")] double? RatioStd,
    [property: JsonPropertyName("positions_within_1_5_sigma")] IReadOnlyList<double> PositionsWithinBand,
    [property: JsonPropertyName("ratio_mean_within_1_5_sigma")] double? RatioMeanWithinBand = null);

/// <summary>Weighted χ² per kind of measurement (see docs/DATA_CONTRACT.md, comparison and inference).</summary>
public sealed record MisfitJson(
    [property: JsonPropertyName("chi2")] double Chi2,
    [property: JsonPropertyName("n")] int N,
    [property: JsonPropertyName("chi2_current")] double Chi2Current,
    [property: JsonPropertyName("n_current")] int NCurrent,
    [property: JsonPropertyName("chi2_profiles")] double Chi2Profiles,
    [property: JsonPropertyName("n_profiles")] int NProfiles,
    [property: JsonPropertyName("chi2_velocities")] double Chi2Velocities,
    [property: JsonPropertyName("n_velocities")] int NVelocities)
{
    public static MisfitJson From(MisfitBreakdown m) => new(m.Chi2, m.Points, m.CurrentChi2, m.CurrentPoints, m.ProfileChi2, m.ProfilePoints,
                                                            m.VelocityChi2, m.VelocityPoints);
}

public sealed record SetRankingJson(
    [property: JsonPropertyName("set")] string Set,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons);

/// <summary>
/// Reads and writes comparison.json: the one owner of the format, used by the CLI, the pipeline and the report. Parts
/// that older comparisons lack (misfit breakdown, gradient centres, thermodynamic factor) are optional when read.
/// </summary>
public static class ComparisonJson
{
    public const string FileName = "comparison.json";

    public static string Serialize(ComparisonDocument document) => JsonSerializer.Serialize(document, ResultJson.Options);

    public static ComparisonDocument Deserialize(string json, string source)
    {
        var d = ResultJson.Deserialize<ComparisonDocument>(json, source, FileName, x => x.Schema, ComparisonDocument.SchemaId);
        if (d.VelocityWindowMin.Length != 2) throw new DataContractException(source, "velocity_window_min must hold two numbers [start, end]");
        if (d.Measured.Current.TimeMin.Count != d.Measured.Current.CurrentMAPerCm2.Count)
            throw new DataContractException(source, "measured.current: time_min and current_mA_cm2 differ in length");
        foreach (var set in d.Sets)
            if (set.Current.TimeMin.Count != set.Current.RatioPredictedToMeasured.Count)
                throw new DataContractException(source, $"set {set.Set}: current.time_min and current.ratio_predicted_to_measured differ in length");
        return d;
    }

    public static void Write(string path, ComparisonDocument document) => AtomicFile.WriteAllText(path, Serialize(document));

    public static ComparisonDocument Read(string path) => Deserialize(InputFile.ReadAllText(path, InputFile.MaxJsonBytes), path);
}
