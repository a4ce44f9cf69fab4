namespace CloudXpcs.Data.Results;

/// <summary>inference.json (schema "cloudxpcs.inference/1"): transference-number models fitted to the run.</summary>
public sealed record InferenceFile(
    string? BaseSet,
    double? ReferenceConcentrationM,
    IReadOnlyList<InferredModel> Models,
    string? Preferred,
    string? Reason)
{
    /// <summary>The base set's thermodynamic factor (held fixed in the fit); null in files without it.</summary>
    public string? ThermodynamicFactor { get; init; }
    /// <summary>The nuisance-parameter fits (infer --nuisance); empty in files without them.</summary>
    public IReadOnlyList<NuisanceFitView> Nuisance { get; init; } = [];

    /// <summary>The report's view of inference.json (<see cref="Comparison.InferenceJson"/> owns the file).</summary>
    public static InferenceFile Read(string path) => JsonFields.Parse(path, Comparison.InferenceDocument.SchemaId, root => new InferenceFile(
        root.OptionalString("base_set"),
        root.OptionalNumber("reference_concentration_M"),
        root.Objects("models").Select(ReadModel).ToList(),
        root.OptionalString("preferred"),
        root.OptionalString("reason")) { ThermodynamicFactor = root.OptionalString("thermo_factor"), Nuisance = NuisanceFitView.Read(root) });

    private static InferredModel ReadModel(JsonFields m)
    {
        var parameters = m.NumberMap("parameters");
        var ci = m.OptionalObject("ci95");
        var intervals = parameters.Select(p =>
        {
            double[] bounds = ci?.Numbers(p.Key) ?? [];
            if (bounds.Length is not (0 or 2)) throw m.Problem($"ci95.{p.Key} must be [low, high]");
            return new InferredParameter(p.Key, p.Value, bounds.Length == 2 ? bounds[0] : null, bounds.Length == 2 ? bounds[1] : null);
        }).ToList();
        // The profile curve is over the model's main (first) parameter.
        string? main = intervals.Count > 0 ? intervals[0].Name : null;
        var profile = m.Objects("profile").Select(p => main is not null && p.Has(main)
            ? new ProfilePoint(p.Number(main), p.Number("misfit"))
            : throw m.Problem($"model {m.String("model")}: profile points need '{main}' and 'misfit'")).ToList();
        return new InferredModel(m.String("model"), intervals, m.OptionalNumber("misfit"), (int?)m.OptionalNumber("n_data"), profile);
    }
}

public sealed record InferredModel(string Model, IReadOnlyList<InferredParameter> Parameters, double? Misfit, int? NData, IReadOnlyList<ProfilePoint> Profile)
{
    public string? MainParameter => Parameters.Count > 0 ? Parameters[0].Name : null;
}

public sealed record InferredParameter(string Name, double Value, double? Ci95Low, double? Ci95High);

/// <summary>One point of a profile-likelihood curve: the main parameter held fixed and the best misfit there.</summary>
public sealed record ProfilePoint(double ParameterValue, double Misfit);
