using System.Text.Json;
using System.Text.Json.Serialization;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Science.Inference;

namespace CloudXpcs.Data.Comparison;

/// <summary>inference.json (schema "cloudxpcs.inference/1").</summary>
public sealed record InferenceDocument
{
    public const string SchemaId = "cloudxpcs.inference/1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaId;
    [JsonPropertyName("beamtime")] public required string Beamtime { get; init; }
    [JsonPropertyName("base_set")] public required string BaseSet { get; init; }
    [JsonPropertyName("reference_concentration_M")] public required double ReferenceConcentrationM { get; init; }
    [JsonPropertyName("models")] public required IReadOnlyList<ModelFitJson> Models { get; init; }
    [JsonPropertyName("preferred")] public required string Preferred { get; init; }
    [JsonPropertyName("reason")] public required string Reason { get; init; }
    [JsonPropertyName("hypotheses")] public IReadOnlyList<HypothesisJson> Hypotheses { get; init; } = [];
    [JsonPropertyName("simulations")] public int Simulations { get; init; }
    [JsonPropertyName("misfit_options")] public MisfitOptionsJson? MisfitOptions { get; init; }
    /// <summary>The base set's thermodynamic factor, held fixed while t+0 is fitted (the data constrain mainly T_f(1 − t+0)²).</summary>
    [JsonPropertyName("thermo_factor")] public string? ThermodynamicFactor { get; init; }
    /// <summary>Optional (infer --nuisance): t+0 with T_f, κ, D and R_int as nuisance parameters under each T_f assumption.</summary>
    [JsonPropertyName("nuisance")] public NuisanceInferenceJson? Nuisance { get; init; }

    public static InferenceDocument From(InferenceResult result, string beamtime, string baseSet, InferenceOptions options,
        string? thermodynamicFactor = null) => new()
    {
        Beamtime = beamtime,
        BaseSet = baseSet,
        ThermodynamicFactor = thermodynamicFactor,
        ReferenceConcentrationM = result.ReferenceConcentrationM,
        Models = result.Models.Select(ModelFitJson.From).ToList(),
        Preferred = result.Preferred,
        Reason = result.Reason,
        Hypotheses = result.Hypotheses.Select(h => new HypothesisJson(h.Candidate.Label ?? h.Candidate.Id, ModelName(h.Candidate.Model),
            Parameters(h.Candidate), h.Misfit, h.DeltaChi2Scaled, h.PValue, h.Failure)).ToList(),
        Simulations = result.Simulations,
        MisfitOptions = MisfitOptionsJson.From(options.Misfit),
    };

    public static string ModelName(TransferenceModel model) => model == TransferenceModel.Constant ? "constant" : "linear";

    internal static Dictionary<string, double> Parameters(TransferenceCandidate c) => c.Model == TransferenceModel.Constant
        ? new() { [TransferenceInference.ConstantParameter] = c.Tplus0AtRef }
        : new() { [TransferenceInference.InterceptParameter] = c.Tplus0AtRef, [TransferenceInference.SlopeParameter] = c.SlopePerM };
}

/// <summary>One fitted transference-number model. Only its name, parameters, intervals, misfit and profile are required when read (older inferences lack the rest).</summary>
public sealed record ModelFitJson
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    /// <summary>The fitted parameters; the first is the model's main one, the one its profile is over.</summary>
    [JsonPropertyName("parameters")] public required IReadOnlyDictionary<string, double> Parameters { get; init; }
    [JsonPropertyName("ci95")] public required IReadOnlyDictionary<string, double[]> Ci95 { get; init; }
    [JsonPropertyName("ci95_open")] public IReadOnlyDictionary<string, bool[]> Ci95Open { get; init; } = new Dictionary<string, bool[]>();
    [JsonPropertyName("misfit")] public required double Misfit { get; init; }
    [JsonPropertyName("n_data")] public required int NData { get; init; }
    [JsonPropertyName("misfit_breakdown")] public MisfitJson? MisfitBreakdown { get; init; }
    [JsonPropertyName("reduced_chi2")] public double? ReducedChi2 { get; init; }
    [JsonPropertyName("chi2_scale")] public double Chi2Scale { get; init; }
    [JsonPropertyName("delta_chi2_threshold")] public double DeltaChi2Threshold { get; init; }
    /// <summary>Points {main parameter: value, "misfit": χ²} of the profile likelihood over the main parameter.</summary>
    [JsonPropertyName("profile")] public required IReadOnlyList<IReadOnlyDictionary<string, double>> Profile { get; init; }
    [JsonPropertyName("slope_profile")] public IReadOnlyList<IReadOnlyDictionary<string, double>> SlopeProfile { get; init; } = [];
    [JsonPropertyName("evaluated")] public int Evaluated { get; init; }
    [JsonPropertyName("failed")] public int Failed { get; init; }
    [JsonPropertyName("notes")] public IReadOnlyList<string> Notes { get; init; } = [];

    [JsonIgnore] public string? MainParameter => Parameters.Count > 0 ? Parameters.Keys.First() : null;

    public static ModelFitJson From(ModelFit f)
    {
        string main = f.Parameters[0].Name;
        return new ModelFitJson
        {
            Model = InferenceDocument.ModelName(f.Model),
            Parameters = f.Parameters.ToDictionary(p => p.Name, p => p.Value),
            Ci95 = f.Parameters.ToDictionary(p => p.Name, p => new[] { p.CiLow, p.CiHigh }),
            Ci95Open = f.Parameters.ToDictionary(p => p.Name, p => new[] { p.CiLowOpen, p.CiHighOpen }),
            Misfit = f.Misfit, NData = f.DataPoints, MisfitBreakdown = MisfitJson.From(f.Breakdown), ReducedChi2 = ResultJson.Finite(f.ReducedChi2),
            Chi2Scale = f.Chi2Scale, DeltaChi2Threshold = f.DeltaChi2Threshold,
            Profile = f.Profile.Select(p => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { [main] = p.Value, ["misfit"] = p.Misfit }).ToList(),
            SlopeProfile = f.SlopeProfile.Select(p => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { [TransferenceInference.SlopeParameter] = p.Value, ["misfit"] = p.Misfit }).ToList(),
            Evaluated = f.Evaluated, Failed = f.Failed, Notes = f.Notes.ToList(),
        };
    }
}

public sealed record HypothesisJson(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, double> Parameters,
    [property: JsonPropertyName("misfit")] double? Misfit,
    [property: JsonPropertyName("delta_chi2_scaled")] double? DeltaChi2Scaled,
    [property: JsonPropertyName("p_value")] double? PValue,
    [property: JsonPropertyName("failure")] string? Failure);

/// <summary>Reads and writes inference.json: the one owner of the format, used by the CLI, the pipeline and the report.</summary>
public static class InferenceJson
{
    public const string FileName = "inference.json";

    public static string Serialize(InferenceDocument document) => JsonSerializer.Serialize(document, ResultJson.Options);

    public static InferenceDocument Deserialize(string json, string source)
    {
        var d = ResultJson.Deserialize<InferenceDocument>(json, source, FileName, x => x.Schema, InferenceDocument.SchemaId, root => CheckModels(root, source));
        foreach (var m in d.Models)
            if (m.MainParameter is { } main && m.Profile.Any(p => !p.ContainsKey(main) || !p.ContainsKey("misfit")))
                throw new DataContractException(source, $"model {m.Model}: profile points need '{main}' and 'misfit'");
        return d;
    }

    /// <summary>Each model's intervals are [low, high], checked before the fields (so that this is the problem named).</summary>
    private static void CheckModels(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array) return;
        foreach (var m in models.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("ci95", out var ci95) || ci95.ValueKind != JsonValueKind.Object) continue;
            string model = m.TryGetProperty("model", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : "?";
            foreach (var ci in ci95.EnumerateObject())
                if (ci.Value.ValueKind != JsonValueKind.Array || ci.Value.GetArrayLength() != 2)
                    throw new DataContractException(source, $"model '{model}': ci95.{ci.Name} must hold two numbers [low, high]");
        }
    }

    public static void Write(string path, InferenceDocument document) => AtomicFile.WriteAllText(path, Serialize(document));

    public static InferenceDocument Read(string path) => Deserialize(InputFile.ReadAllText(path, InputFile.MaxJsonBytes), path);
}
