using System.Text.Json.Serialization;
using CloudXpcs.Science.Fitting;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Results;

/// <summary>
/// fit.json velocity.systematics: the systematic parts of the speed error (Å/s, 1σ, <see cref="SpeedSystematics"/>)
/// and the q-calibration uncertainties they were computed from (series.json "calibration_uncertainty" or its defaults).
/// </summary>
public sealed record FitSpeedSystematicsJson(
    [property: JsonPropertyName("distance_A_per_s")] double DistanceAPerS,
    [property: JsonPropertyName("energy_A_per_s")] double EnergyAPerS,
    [property: JsonPropertyName("pixel_size_A_per_s")] double PixelSizeAPerS,
    [property: JsonPropertyName("beam_center_A_per_s")] double BeamCenterAPerS,
    [property: JsonPropertyName("model_floor_A_per_s")] double ModelFloorAPerS,
    [property: JsonPropertyName("model_floor_rel")] double ModelFloorRel,
    [property: JsonPropertyName("distance_err_m")] double DistanceErrM,
    [property: JsonPropertyName("energy_err_keV")] double EnergyErrKeV,
    [property: JsonPropertyName("pixel_size_err_m")] double PixelSizeErrM,
    [property: JsonPropertyName("beam_center_err_px")] double BeamCenterErrPx,
    [property: JsonPropertyName("calibration_source")] string CalibrationSource)
{
    /// <summary>
    /// The velocity block with <c>speed_err_A_per_s</c> the total (statistical and systematic in quadrature) and both parts
    /// beside it; unchanged when the speed is not resolvable.
    /// </summary>
    public static FitVelocityJson Apply(FitVelocityJson velocity, SpeedErrorBudget budget, CalibrationUncertainty uncertainty, string source,
        double modelFloorRel = SpeedSystematics.ModelFloorRel) => velocity with
    {
        SpeedErrAPerS = budget.TotalAPerS,
        SpeedErrStatAPerS = budget.StatAPerS,
        SpeedErrSysAPerS = budget.SystematicAPerS,
        Systematics = new FitSpeedSystematicsJson(budget.DistanceAPerS, budget.EnergyAPerS, budget.PixelSizeAPerS, budget.BeamCenterAPerS,
            budget.ModelFloorAPerS, modelFloorRel, uncertainty.DistanceErrM, uncertainty.EnergyErrKeV, uncertainty.PixelSizeErrM,
            uncertainty.BeamCenterErrPx, source),
    };
}
