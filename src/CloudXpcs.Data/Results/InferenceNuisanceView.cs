namespace CloudXpcs.Data.Results;

/// <summary>The report's view of one inference.json "nuisance" fit (<see cref="Comparison.NuisanceInferenceJson"/> owns it).</summary>
public sealed record NuisanceFitView(string Model, string Assumption, IReadOnlyList<InferredParameter> Parameters, double? Chi2, double? EffectivePoints,
    int? Points, IReadOnlyList<(string Combination, double Value, double? Sigma, bool Determined)> Combinations)
{
    internal static IReadOnlyList<NuisanceFitView> Read(JsonFields root) => root.OptionalObject("nuisance") is { } n
        ? n.Objects("fits").Select(f => new NuisanceFitView(f.String("model"), f.String("thermo_factor_assumption"),
            f.Objects("parameters").Select(p =>
            {
                double[] ci = p.Numbers("ci95");
                return new InferredParameter(p.String("name"), p.Number("value"), ci.Length == 2 ? ci[0] : null, ci.Length == 2 ? ci[1] : null);
            }).ToList(),
            f.OptionalNumber("chi2"), f.OptionalNumber("n_effective"), (int?)f.OptionalNumber("n_data"),
            f.Objects("combinations").Select(c => (c.String("combination"), c.Number("value"), c.OptionalNumber("sigma"), c.OptionalBool("determined") ?? false)).ToList())).ToList()
        : [];
}
