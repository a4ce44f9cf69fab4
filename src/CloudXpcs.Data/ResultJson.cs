using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data;

/// <summary>Shared reading and writing of the result documents that are plain records (comparison.json, inference.json).</summary>
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

    public static T Deserialize<T>(string json, string source, string what, Func<T, string> schema, string expectedSchema) where T : class
    {
        T? document;
        try
        {
            // The schema first, so that another kind of document is named as such rather than as missing fields.
            using (var parsed = JsonDocument.Parse(json))
                if (parsed.RootElement.ValueKind == JsonValueKind.Object && parsed.RootElement.TryGetProperty("schema", out var s)
                    && s.ValueKind == JsonValueKind.String && s.GetString() != expectedSchema)
                    throw new DataContractException(source, $"schema is '{s.GetString()}', expected '{expectedSchema}'");
            document = JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            throw new DataContractException(source, $"not a valid {what} ({ErrorText.OneLine(e.Message)})", e);
        }
        if (document is null) throw new DataContractException(source, $"{what} is empty (null)");
        if (schema(document) != expectedSchema)
            throw new DataContractException(source, $"schema is '{schema(document)}', expected '{expectedSchema}'");
        return document;
    }

    public static double? Finite(double x) => double.IsFinite(x) ? x : null;
}
