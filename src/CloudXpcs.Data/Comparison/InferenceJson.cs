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

public sealed record ModelFitJson(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, double> Parameters,
    [property: JsonPropertyName("ci95")] IReadOnlyDictionary<string, double[]> Ci95,
    [property: JsonPropertyName("ci95_open")] IReadOnlyDictionary<string, bool[]> Ci95Open,
    [property: JsonPropertyName("misfit")] double Misfit,
    [property: JsonPropertyName("n_data")] int NData,
    [property: JsonPropertyName("misfit_breakdown")] MisfitJson MisfitBreakdown,
    [property: JsonPropertyName("reduced_chi2")] double? ReducedChi2,
    [property: JsonPropertyName("chi2_scale")] double Chi2Scale,
    [property: JsonPropertyName("delta_chi2_threshold")] double DeltaChi2Threshold,
    [property: JsonPropertyName("profile")] IReadOnlyList<IReadOnlyDictionary<string, double>> Profile,
    [property: JsonPropertyName("slope_profile")] IReadOnlyList<IReadOnlyDictionary<string, double>> SlopeProfile,
    [property: JsonPropertyName("evaluated")] int Evaluated,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("notes")] IReadOnlyList<string> Notes)
{
    public static ModelFitJson From(ModelFit f)
    {
        string main = f.Parameters[0].Name;
        return new ModelFitJson(
            InferenceDocument.ModelName(f.Model),
            f.Parameters.ToDictionary(p => p.Name, p => p.Value),
            f.Parameters.ToDictionary(p => p.Name, p => new[] { p.CiLow, p.CiHigh }),
            f.Parameters.ToDictionary(p => p.Name, p => new[] { p.CiLowOpen, p.CiHighOpen }),
            f.Misfit, f.DataPoints, MisfitJson.From(f.Breakdown), ResultJson.Finite(f.ReducedChi2), f.Chi2Scale, f.DeltaChi2Threshold,
            f.Profile.Select(p => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { [main] = p.Value, ["misfit"] = p.Misfit }).ToList(),
            f.SlopeProfile.Select(p => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { [TransferenceInference.SlopeParameter] = p.Value, ["misfit"] = p.Misfit }).ToList(),
            f.Evaluated, f.Failed, f.Notes.ToList());
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

/// <summary>Reads and writes inference.json.</summary>
public static class InferenceJson
{
    public const string FileName = "inference.json";

    public static string Serialize(InferenceDocument document) => JsonSerializer.Serialize(document, ResultJson.Options);

    public static InferenceDocument Deserialize(string json, string source)
    {
        var d = ResultJson.Deserialize<InferenceDocument>(json, source, FileName, x => x.Schema, InferenceDocument.SchemaId);
        foreach (var m in d.Models)
            foreach (var (name, ci) in m.Ci95)
                if (ci.Length != 2) throw new DataContractException(source, $"model '{m.Model}': ci95.{name} must hold two numbers [low, high]");
        return d;
    }

    public static void Write(string path, InferenceDocument document) => AtomicFile.WriteAllText(path, Serialize(document));

    public static InferenceDocument Read(string path) => Deserialize(InputFile.ReadAllText(path, InputFile.MaxJsonBytes), path);
}
