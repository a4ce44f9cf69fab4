using System.Text.Json.Serialization;
using CloudXpcs.Science.Inference;

namespace CloudXpcs.Data.Comparison;

/// <summary>inference.json "nuisance": t+0 fitted jointly with T_f, κ and D scales and R_int (<see cref="NuisanceInference"/>), one fit per model and T_f assumption.</summary>
public sealed record NuisanceInferenceJson(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("priors")] NuisancePriorsJson Priors,
    [property: JsonPropertyName("fits")] IReadOnlyList<NuisanceFitJson> Fits)
{
    public const string MethodText = "Levenberg-Marquardt on standardised residuals with Gaussian priors on ln kappa scale, ln D scale and R_int as " +
        "pseudo-residuals; each kind of measurement down-weighted by sqrt(n_eff/n), n_eff = n(1 - rho1)/(1 + rho1) from the lag-1 autocorrelation " +
        "of its residuals at the first optimum; covariance = inverse Gauss-Newton Hessian x max(1, weighted chi2/(n_eff - p)); 95 % = +-1.96 sigma " +
        "(Laplace: profiling the nuisances = marginalising them)";

    public static NuisanceInferenceJson From(IReadOnlyList<NuisanceFit> fits, NuisancePriors priors) => new(MethodText,
        new NuisancePriorsJson(priors.LnKappaScaleSigma, priors.LnDiffusivityScaleSigma, priors.InterfacialResistanceSigmaOhmCm2,
            [priors.ThermoFactorMin, priors.ThermoFactorMax]),
        fits.Select(f => new NuisanceFitJson(f.Model, f.Assumption.Label, f.Assumption.FixedValue,
            f.Parameters.Select(p => new NuisanceEstimateJson(p.Name, p.Value, p.Sigma, [p.Ci95Low, p.Ci95High])).ToList(),
            f.Chi2, f.WeightedChi2, f.Points, f.EffectivePoints, f.Chi2Scale,
            f.SampleSizes.Select(s => new EffectiveSampleSizeJson(s.Kind, s.Points, s.Lag1Autocorrelation, s.Effective)).ToList(),
            f.Combinations.Select(c => new CombinationJson(c.Description, c.Value, ResultJson.Finite(c.Sigma), c.Determined)).ToList(),
            f.Simulations, f.Notes.ToList())).ToList());
}

public sealed record NuisancePriorsJson(
    [property: JsonPropertyName("ln_kappa_scale_sigma")] double LnKappaScaleSigma,
    [property: JsonPropertyName("ln_D_scale_sigma")] double LnDiffusivityScaleSigma,
    [property: JsonPropertyName("R_int_sigma_ohm_cm2")] double InterfacialResistanceSigmaOhmCm2,
    [property: JsonPropertyName("thermo_factor_range")] double[] ThermoFactorRange);

public sealed record NuisanceFitJson(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("thermo_factor_assumption")] string Assumption,
    [property: JsonPropertyName("thermo_factor_fixed")] double? ThermoFactorFixed,
    [property: JsonPropertyName("parameters")] IReadOnlyList<NuisanceEstimateJson> Parameters,
    [property: JsonPropertyName("chi2")] double Chi2,
    [property: JsonPropertyName("weighted_chi2")] double WeightedChi2,
    [property: JsonPropertyName("n_data")] int Points,
    [property: JsonPropertyName("n_effective")] double EffectivePoints,
    [property: JsonPropertyName("chi2_scale")] double Chi2Scale,
    [property: JsonPropertyName("effective_sample_sizes")] IReadOnlyList<EffectiveSampleSizeJson> SampleSizes,
    [property: JsonPropertyName("combinations")] IReadOnlyList<CombinationJson> Combinations,
    [property: JsonPropertyName("simulations")] int Simulations,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes);

public sealed record NuisanceEstimateJson(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("sigma")] double Sigma,
    [property: JsonPropertyName("ci95")] double[] Ci95);

public sealed record EffectiveSampleSizeJson(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("n")] int Points,
    [property: JsonPropertyName("lag1_autocorrelation")] double Lag1Autocorrelation,
    [property: JsonPropertyName("n_effective")] double Effective);

public sealed record CombinationJson(
    [property: JsonPropertyName("combination")] string Description,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("sigma")] double? Sigma,
    [property: JsonPropertyName("determined")] bool Determined);
