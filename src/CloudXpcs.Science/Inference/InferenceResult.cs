using CloudXpcs.Science.Comparison;

namespace CloudXpcs.Science.Inference;

public sealed record InferenceOptions
{
    /// <summary>The 95 % quantile of χ² with one degree of freedom: the profile-likelihood threshold of one parameter.</summary>
    public const double Chi2OneDof95 = 3.841458820694124;

    public double ReferenceConcentrationM { get; init; } = 1.87;
    public ParameterGrid ConstantGrid { get; init; } = new(-0.6, 0.6, 0.03);
    public bool IncludeLinear { get; init; } = true;
    public ParameterGrid InterceptGrid { get; init; } = new(-0.6, 0.6, 0.1);
    public ParameterGrid SlopeGrid { get; init; } = new(-0.8, 0.4, 0.1);
    /// <summary>Values per parameter of each refinement grid placed over the approximate confidence region (0: no refinement).</summary>
    public int RefinePoints { get; init; } = 7;
    /// <summary>Refinements, each centred on the best fit so far and spanning the confidence region estimated so far.</summary>
    public int RefineRounds { get; init; } = 2;
    /// <summary>Extra candidates evaluated and reported by name (e.g. a published t₊⁰(c)).</summary>
    public IReadOnlyList<TransferenceCandidate> Hypotheses { get; init; } = [];
    public MisfitOptions Misfit { get; init; } = new();
    public int CellCount { get; init; } = 96;
    public double DeltaChi2 { get; init; } = Chi2OneDof95;

    public void Validate()
    {
        if (!(ReferenceConcentrationM > 0)) throw new ArgumentException($"reference concentration must be > 0 M, got {ReferenceConcentrationM}");
        ConstantGrid.Values();
        if (IncludeLinear) { InterceptGrid.Values(); SlopeGrid.Values(); }
        if (RefinePoints is < 0 or 1 or 2 or > 101) throw new ArgumentException($"refine points must be 0 or 3..101, got {RefinePoints}");
        if (RefineRounds is < 0 or > 10) throw new ArgumentException($"refine rounds must be 0..10, got {RefineRounds}");
        if (!(DeltaChi2 > 0)) throw new ArgumentException($"delta chi2 must be > 0, got {DeltaChi2}");
        if (CellCount < 8) throw new ArgumentException($"cell count must be >= 8, got {CellCount}");
        Misfit.Validate();
    }
}

/// <summary>A parameter's best value and its 95 % profile-likelihood interval; an open end reached the evaluated range.</summary>
public sealed record ParameterEstimate(string Name, double Value, double CiLow, double CiHigh, bool CiLowOpen, bool CiHighOpen);

/// <summary>One point of a profile-likelihood curve: the parameter value and the misfit minimised over the other parameters.</summary>
public readonly record struct ProfileSample(double Value, double Misfit);

public sealed record ModelFit(
    TransferenceModel Model,
    IReadOnlyList<ParameterEstimate> Parameters,
    double Misfit,
    int DataPoints,
    MisfitBreakdown Breakdown,
    double ReducedChi2,
    /// <summary>max(1, reduced χ² of the best fit): Δχ² thresholds are multiplied by it.</summary>
    double Chi2Scale,
    double DeltaChi2Threshold,
    /// <summary>Profile of the first parameter (t₊⁰ or t₊⁰ at c_ref).</summary>
    IReadOnlyList<ProfileSample> Profile,
    /// <summary>Profile of the slope (linear model only).</summary>
    IReadOnlyList<ProfileSample> SlopeProfile,
    int Evaluated,
    int Failed,
    IReadOnlyList<string> Notes);

/// <summary>
/// A named candidate with its misfit, Δχ² (divided by the model's χ² scale) above that model's best fit, and the p-value of
/// that Δχ² against χ² with as many degrees of freedom as the model has parameters (the hypothesis fixes all of them).
/// </summary>
public sealed record HypothesisResult(TransferenceCandidate Candidate, double? Misfit, double? DeltaChi2Scaled, double? PValue, string? Failure);

public sealed record InferenceResult(double ReferenceConcentrationM, IReadOnlyList<ModelFit> Models, string Preferred, string Reason,
                                     IReadOnlyList<HypothesisResult> Hypotheses, int Simulations);
