using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data;

/// <summary>The serializer options of the result documents that are plain records (fit.json, comparison.json, inference.json, run.json) and their one reader.</summary>
internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Base64 MD5s keep their '+' (the default encoder writes \u002B); the documents are UTF-8 files, not HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>
    /// The one reader of a record document: the schema is checked first (another kind of document is named as such, not
    /// as missing fields), then <paramref name="checkRoot"/> sees the parsed root (checks whose message should win over
    /// a missing field), then the typed deserialisation. Every problem is one <see cref="DataContractException"/>.
    /// </summary>
    public static T Deserialize<T>(string json, string source, string what, Func<T, string> schema, string expectedSchema,
        Action<JsonElement>? checkRoot = null) where T : class
    {
        T? document;
        try
        {
            using (var parsed = Parse(json, source, what))
            {
                var root = parsed.RootElement;
                // One key twice would otherwise be read as its last value, silently (contract: refused in every JSON input).
                Inputs.StrictJson.RejectDuplicateKeys(root, source, "");
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var s)
                    && s.ValueKind == JsonValueKind.String && s.GetString() != expectedSchema)
                    throw new DataContractException(source, $"schema is '{s.GetString()}', expected '{expectedSchema}'");
                checkRoot?.Invoke(root);
            }
            document = JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            throw new DataContractException(source, $"not a valid {what} ({FieldOf(e.Path)}{ErrorText.OneLine(e.Message)})", e);
        }
        if (document is null) throw new DataContractException(source, $"{what} is empty (null)");
        if (schema(document) != expectedSchema)
            throw new DataContractException(source, $"schema is '{schema(document)}', expected '{expectedSchema}'");
        return document;
    }

    private static JsonDocument Parse(string json, string source, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DataContractException(source, $"not a valid {what}: not valid JSON ({ErrorText.OneLine(e.Message)})", e);
        }
    }

    /// <summary>"field 'name': " for the last property of a JSON path such as <c>$.sets[0].set</c>; empty without one.</summary>
    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "";
        string last = path[(path.LastIndexOf('.') + 1)..];
        int bracket = last.IndexOf('[');
        if (bracket >= 0) last = last[..bracket];
        return last.Length == 0 || last == "$" ? "" : $"field '{last}': ";
    }

    public static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
