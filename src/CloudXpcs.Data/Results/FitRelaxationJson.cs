using System.Text.Json.Serialization;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Data.Results;

/// <summary>fit.json "relaxation": g2 = baseline + contrast·exp(−2(τ/τ0)^γ) per q bin, with 1σ errors; null where not fitted.</summary>
public sealed record FitRelaxationJson
{
    [JsonPropertyName("bin")] public int Bin { get; init; }
    [JsonPropertyName("q_inv_A")] public double QInvA { get; init; }
    [JsonPropertyName("chi_deg")] public double ChiDeg { get; init; }
    [JsonPropertyName("delays")] public int Delays { get; init; }
    [JsonPropertyName("resolved")] public bool Resolved { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("tau0_s")] public double? Tau0S { get; init; }
    [JsonPropertyName("tau0_err_s")] public double? Tau0ErrS { get; init; }
    [JsonPropertyName("stretching")] public double? Stretching { get; init; }
    [JsonPropertyName("stretching_err")] public double? StretchingErr { get; init; }
    [JsonPropertyName("contrast")] public double? Contrast { get; init; }
    [JsonPropertyName("contrast_err")] public double? ContrastErr { get; init; }
    [JsonPropertyName("baseline")] public double? Baseline { get; init; }
    [JsonPropertyName("baseline_err")] public double? BaselineErr { get; init; }
    [JsonPropertyName("reduced_chi2")] public double? ReducedChi2 { get; init; }

    public static FitRelaxationJson From(RelaxationFit f) => new()
    {
        Bin = f.Bin, QInvA = f.QInvA, ChiDeg = f.ChiDeg, Delays = f.DelayCount, Resolved = f.Resolved, Reason = f.Reason,
        Tau0S = FitBinJson.Finite(f.Tau0S), Tau0ErrS = FitBinJson.Finite(f.Tau0ErrS),
        Stretching = FitBinJson.Finite(f.Gamma), StretchingErr = FitBinJson.Finite(f.GammaErr),
        Contrast = FitBinJson.Finite(f.Contrast), ContrastErr = FitBinJson.Finite(f.ContrastErr),
        Baseline = FitBinJson.Finite(f.Baseline), BaselineErr = FitBinJson.Finite(f.BaselineErr),
        ReducedChi2 = FitBinJson.Finite(f.ReducedChi2),
    };
}
