using System.Text.Json;

namespace CloudXpcs.Data;

/// <summary>
/// Small helpers over <see cref="JsonElement"/> for the report's readers of comparison.json, inference.json and
/// run.json: required fields throw <see cref="DataContractException"/> naming the file; optional ones give null.
/// </summary>
internal sealed class JsonFields(string source, JsonElement element)
{
    public string Source => source;
    public JsonElement Element => element;

    public static T Parse<T>(string path, string expectedSchema, Func<JsonFields, T> read)
    {
        if (!File.Exists(path)) throw new DataContractException(path, "file not found");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = new JsonFields(path, document.RootElement);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new DataContractException(path, "expected a JSON object");
            string schema = root.String("schema");
            if (schema != expectedSchema) throw new DataContractException(path, $"schema is '{schema}', expected '{expectedSchema}'");
            return read(root);
        }
        catch (JsonException e)
        {
            throw new DataContractException(path, $"not valid JSON ({e.Message})", e);
        }
    }

    public bool Has(string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonFields Object(string name) => new(source, Require(name, JsonValueKind.Object));

    public JsonFields? OptionalObject(string name) => Has(name) ? Object(name) : null;

    public IReadOnlyList<JsonFields> Objects(string name) =>
        Has(name) ? Require(name, JsonValueKind.Array).EnumerateArray().Select(e => new JsonFields(source, e)).ToList() : [];

    public string String(string name) => Require(name, JsonValueKind.String).GetString()!;

    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    public double Number(string name) => Require(name, JsonValueKind.Number).GetDouble();

    public double? OptionalNumber(string name) => Has(name) ? Number(name) : null;

    public bool? OptionalBool(string name) => Has(name) ? element.GetProperty(name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Problem($"'{name}' must be true or false"),
    } : null;

    public double[] Numbers(string name) =>
        Has(name) ? Require(name, JsonValueKind.Array).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number
            ? e.GetDouble() : throw Problem($"'{name}' must hold numbers only")).ToArray() : [];

    public IReadOnlyList<string> Strings(string name) =>
        Has(name) ? Require(name, JsonValueKind.Array).EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()! : throw Problem($"'{name}' must hold strings only")).ToList() : [];

    /// <summary>Name → number pairs of an object field (e.g. fitted parameters).</summary>
    public IReadOnlyList<KeyValuePair<string, double>> NumberMap(string name) =>
        Has(name) ? Require(name, JsonValueKind.Object).EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .Select(p => new KeyValuePair<string, double>(p.Name, p.Value.GetDouble())).ToList() : [];

    /// <summary>The raw text of every field of an object (for display of free-form parameters).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RawMap(string name) =>
        Has(name) && element.GetProperty(name).ValueKind == JsonValueKind.Object
            ? element.GetProperty(name).EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())).ToList()
            : [];

    public DataContractException Problem(string problem) => new(source, problem);

    private JsonElement Require(string name, JsonValueKind kind)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            throw Problem($"missing field '{name}'");
        if (value.ValueKind != kind) throw Problem($"field '{name}' must be a JSON {kind.ToString().ToLowerInvariant()} (got {value.ValueKind.ToString().ToLowerInvariant()})");
        return value;
    }
}
