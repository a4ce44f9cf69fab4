using System.Text.Json;
using System.Text.Json.Serialization;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Data.Results;

/// <summary>
/// fit.json (DATA_CONTRACT section 5.2): per-bin fits and the series velocity. Fields beyond the contract
/// (per-bin errors and reasons, per_q diagnostics, velocity diagnostics) are additions; NaN is written as null.
/// </summary>
public sealed record FitDocument
{
    public const string SchemaId = "cloudxpcs.fit/1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    [JsonPropertyName("series")] public required string Series { get; init; }
    /// <summary>NaN (written as null) when unknown: a beamline result file has no cell position or polarization time.</summary>
    [JsonPropertyName("position_mm"), JsonConverter(typeof(NaNAsNullConverter))] public required double PositionMm { get; init; }
    [JsonPropertyName("polarization_time_min"), JsonConverter(typeof(NaNAsNullConverter))] public required double PolarizationTimeMin { get; init; }
    [JsonPropertyName("bins")] public required IReadOnlyList<FitBinJson> Bins { get; init; }
    [JsonPropertyName("velocity")] public required FitVelocityJson Velocity { get; init; }
    [JsonPropertyName("per_q")] public IReadOnlyList<FitPerQJson>? PerQ { get; init; }
    /// <summary>Optional: the relaxation of each q bin (fitted for beamline result files, where no flow is assumed).</summary>
    [JsonPropertyName("relaxation")] public IReadOnlyList<FitRelaxationJson>? Relaxation { get; init; }
    /// <summary>Optional: the file the g2 came from when it was not CloudXpcs's own correlation (a beamline result file).</summary>
    [JsonPropertyName("g2_source")] public string? G2Source { get; init; }
    /// <summary>Optional; filled by the anion-velocity step (the study's Eq. 3, Eq. 4).</summary>
    [JsonPropertyName("anion")] public AnionVelocity? Anion { get; init; }
    /// <summary>Optional: the speed in time windows along the diagonal of the two-time maps (analyses with two-time).</summary>
    [JsonPropertyName("age_resolved_speed")] public IReadOnlyList<FitAgeWindowJson>? AgeResolvedSpeed { get; init; }

    /// <summary>The document for one fitted series.</summary>
    public static FitDocument From(SeriesFit fit, string series, double positionMm, double polarizationTimeMin, AnionVelocity? anion = null) => new()
    {
        Series = series,
        PositionMm = positionMm,
        PolarizationTimeMin = polarizationTimeMin,
        Bins = fit.Bins.Select(FitBinJson.From).ToList(),
        Velocity = FitVelocityJson.From(fit.Velocity),
        PerQ = fit.PerQ.Select(q => new FitPerQJson(q.QInvA, q.BinsUsed, q.OmegaAmplitudeRadPerS, q.OmegaAmplitudeErrRadPerS, q.SpeedAPerS, q.SpeedErrAPerS)).ToList(),
        Anion = anion,
    };
}

/// <summary>One q/χ bin. Parameter fields are null for bins that were not fitted.</summary>
public sealed record FitBinJson
{
    [JsonPropertyName("bin")] public int Bin { get; init; }
    [JsonPropertyName("q_inv_A")] public double QInvA { get; init; }
    [JsonPropertyName("chi_deg")] public double ChiDeg { get; init; }
    [JsonPropertyName("pixels")] public int Pixels { get; init; }
    [JsonPropertyName("beta")] public double? Beta { get; init; }
    [JsonPropertyName("h")] public double? H { get; init; }
    [JsonPropertyName("tau0_s")] public double? Tau0S { get; init; }
    [JsonPropertyName("gamma")] public double? Gamma { get; init; }
    [JsonPropertyName("omega_rad_s")] public double? OmegaRadPerS { get; init; }
    [JsonPropertyName("omega_err_rad_s")] public double? OmegaErrRadPerS { get; init; }
    [JsonPropertyName("beta_err")] public double? BetaErr { get; init; }
    [JsonPropertyName("h_err")] public double? HErr { get; init; }
    [JsonPropertyName("tau0_err_s")] public double? Tau0ErrS { get; init; }
    [JsonPropertyName("gamma_err")] public double? GammaErr { get; init; }
    [JsonPropertyName("reduced_chi2")] public double? ReducedChi2 { get; init; }
    [JsonPropertyName("ok")] public bool Ok { get; init; }
    [JsonPropertyName("used_for_speed")] public bool UsedForSpeed { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    /// <summary>q·|cos χ| averaged over the bin's pixels as the fit weighs them (ω = speed · this); absent in older files.</summary>
    [JsonPropertyName("projected_q_inv_A")] public double? ProjectedQInvA { get; init; }

    public static FitBinJson From(BinFit b) => new()
    {
        Bin = b.Bin, QInvA = b.QInvA, ChiDeg = b.ChiDeg, Pixels = b.PixelCount,
        Beta = Finite(b.Parameters?.Beta), H = Finite(b.Parameters?.H), Tau0S = Finite(b.Parameters?.Tau0S),
        Gamma = Finite(b.Parameters?.Gamma), OmegaRadPerS = Finite(b.Parameters?.OmegaRadPerS),
        OmegaErrRadPerS = Finite(b.StandardErrors?.OmegaRadPerS), BetaErr = Finite(b.StandardErrors?.Beta),
        HErr = Finite(b.StandardErrors?.H), Tau0ErrS = Finite(b.StandardErrors?.Tau0S), GammaErr = Finite(b.StandardErrors?.Gamma),
        ReducedChi2 = Finite(b.ReducedChi2), Ok = b.Ok, UsedForSpeed = b.UsedForSpeed, Reason = b.Reason,
        ProjectedQInvA = Finite(b.ProjectedQInvA),
    };

    internal static double? Finite(double? x) => x is { } v && double.IsFinite(v) ? v : null;
}

/// <summary>The series speed; speed fields are null when not resolvable.</summary>
public sealed record FitVelocityJson
{
    [JsonPropertyName("resolvable")] public bool Resolvable { get; init; }
    [JsonPropertyName("speed_A_per_s")] public double? SpeedAPerS { get; init; }
    /// <summary>1σ: the statistical and systematic parts in quadrature when <see cref="Systematics"/> is given, else the statistical error.</summary>
    [JsonPropertyName("speed_err_A_per_s")] public double? SpeedErrAPerS { get; init; }
    [JsonPropertyName("speed_err_stat_A_per_s")] public double? SpeedErrStatAPerS { get; init; }
    [JsonPropertyName("speed_err_sys_A_per_s")] public double? SpeedErrSysAPerS { get; init; }
    [JsonPropertyName("systematics")] public FitSpeedSystematicsJson? Systematics { get; init; }
    [JsonPropertyName("min_resolvable_speed_A_per_s")] public double? MinResolvableSpeedAPerS { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("used_bins")] public int UsedBins { get; init; }
    [JsonPropertyName("joint_reduced_chi2")] public double? JointReducedChi2 { get; init; }
    [JsonPropertyName("master_curve_speed_A_per_s")] public double? MasterCurveSpeedAPerS { get; init; }
    [JsonPropertyName("master_curve_speed_err_A_per_s")] public double? MasterCurveSpeedErrAPerS { get; init; }
    [JsonPropertyName("omega_vs_q_speed_A_per_s")] public double? OmegaVsQSpeedAPerS { get; init; }
    [JsonPropertyName("omega_vs_q_speed_err_A_per_s")] public double? OmegaVsQSpeedErrAPerS { get; init; }
    /// <summary>The test against the no-flow model (likelihood ratio over all fitted bins, bin consistency); null when not run.</summary>
    [JsonPropertyName("no_flow_test")] public FitNoFlowTestJson? NoFlowTest { get; init; }

    public static FitVelocityJson From(VelocityResult v) => new()
    {
        Resolvable = v.Resolvable,
        SpeedAPerS = FitBinJson.Finite(v.SpeedAPerS),
        SpeedErrAPerS = FitBinJson.Finite(v.SpeedErrAPerS),
        MinResolvableSpeedAPerS = FitBinJson.Finite(v.MinResolvableSpeedAPerS),
        Method = v.Method,
        Reason = v.Reason,
        UsedBins = v.UsedBinCount,
        JointReducedChi2 = FitBinJson.Finite(v.JointReducedChi2),
        MasterCurveSpeedAPerS = FitBinJson.Finite(v.MasterCurveSpeedAPerS),
        MasterCurveSpeedErrAPerS = FitBinJson.Finite(v.MasterCurveSpeedErrAPerS),
        OmegaVsQSpeedAPerS = FitBinJson.Finite(v.OmegaVsQSpeedAPerS),
        OmegaVsQSpeedErrAPerS = FitBinJson.Finite(v.OmegaVsQSpeedErrAPerS),
        NoFlowTest = v.Resolvability is { } t ? new FitNoFlowTestJson(t.LikelihoodRatio, t.Inflation, t.TestedBins, t.OscillatingBins, t.ConsistentBins) : null,
    };
}

/// <summary>fit.json velocity.no_flow_test (<see cref="FlowResolvability"/>).</summary>
public sealed record FitNoFlowTestJson(
    [property: JsonPropertyName("likelihood_ratio")] double LikelihoodRatio,
    [property: JsonPropertyName("inflation")] double Inflation,
    [property: JsonPropertyName("tested_bins")] int TestedBins,
    [property: JsonPropertyName("oscillating_bins")] int OscillatingBins,
    [property: JsonPropertyName("consistent_bins")] int ConsistentBins);

/// <summary>Per-q diagnostic: ω against |cos χ| through the origin at one q.</summary>
public sealed record FitPerQJson(
    [property: JsonPropertyName("q_inv_A")] double QInvA,
    [property: JsonPropertyName("bins_used")] int BinsUsed,
    [property: JsonPropertyName("omega_amplitude_rad_s")] double? OmegaAmplitudeRadPerS,
    [property: JsonPropertyName("omega_amplitude_err_rad_s")] double? OmegaAmplitudeErrRadPerS,
    [property: JsonPropertyName("speed_A_per_s")] double? SpeedAPerS,
    [property: JsonPropertyName("speed_err_A_per_s")] double? SpeedErrAPerS);

/// <summary>
/// Anion velocities (DATA_CONTRACT section 4) with the Li-interface motion v_int removed: v₀ = v_EO − v_int,
/// v_TFSI,lab = −ε·v₀ + v_int and the solvent-frame anion velocity −(1 + ε)·v₀ (ε at the stated concentration).
/// Optional additions: the salt concentration ε was computed at and where that value came from.
/// </summary>
public sealed record AnionVelocity(
    [property: JsonPropertyName("epsilon")] double Epsilon,
    [property: JsonPropertyName("v_tfsi_lab_A_per_s")] double VTfsiLabAPerS,
    [property: JsonPropertyName("v_tfsi_solvent_frame_A_per_s")] double VTfsiSolventFrameAPerS,
    [property: JsonPropertyName("concentration_M")] double? ConcentrationM = null,
    [property: JsonPropertyName("concentration_source")] string? ConcentrationSource = null,
    [property: JsonPropertyName("interface_velocity_A_per_s")] double? InterfaceVelocityAPerS = null,
    [property: JsonPropertyName("interface_velocity_source")] string? InterfaceVelocitySource = null);

/// <summary>Reads and writes fit.json.</summary>
public static class FitJson
{
    public const string FileName = "fit.json";

    public static string Serialize(FitDocument document) => JsonSerializer.Serialize(document, ResultJson.Options);

    /// <param name="source">File or blob name, for error messages.</param>
    public static FitDocument Deserialize(string json, string source)
    {
        var document = ResultJson.Deserialize<FitDocument>(json, source, FileName, x => x.Schema, FitDocument.SchemaId);
        if (document.Bins is null) throw new DataContractException(source, "fit.json has no 'bins'");
        if (document.Velocity is null) throw new DataContractException(source, "fit.json has no 'velocity'");
        return document;
    }

    /// <summary>Writes atomically: a temporary file in the same folder, then a rename over the target.</summary>
    public static void Write(string path, FitDocument document) => AtomicFile.WriteAllText(path, Serialize(document));

    public static FitDocument Read(string path)
    {
        if (!File.Exists(path)) throw new DataContractException(path, "fit.json not found");
        return Deserialize(Inputs.InputFile.ReadAllText(path, Inputs.InputFile.MaxJsonBytes), path);
    }
}
