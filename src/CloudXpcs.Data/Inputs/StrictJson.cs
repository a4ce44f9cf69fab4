using System.Text.Json;

namespace CloudXpcs.Data.Inputs;

/// <summary>
/// The strict reading every JSON input goes through: bytes counted up to <see cref="InputFile.MaxJsonBytes"/>,
/// duplicate keys rejected at every depth (System.Text.Json would keep the last value silently), and helpers that
/// reject unknown keys, so that a typo never falls back to a default.
/// </summary>
public static class StrictJson
{
    public const int MaxDepth = 64;

    /// <summary>Reads and parses <paramref name="path"/>; the caller disposes the document.</summary>
    public static JsonDocument Load(string path, JsonDocumentOptions? options = null) =>
        Parse(InputFile.ReadAllBytes(path, InputFile.MaxJsonBytes), path, options);

    /// <summary>Parses UTF-8 JSON (a byte-order mark is allowed) and rejects duplicate keys; errors name <paramref name="source"/>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string source, JsonDocumentOptions? options = null)
    {
        if (json.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) json = json[3..];
        var effective = options ?? new JsonDocumentOptions();
        if (effective.MaxDepth is 0 or > MaxDepth) effective.MaxDepth = MaxDepth;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, effective);
        }
        catch (JsonException ex)
        {
            throw new DataContractException(source, $"not valid JSON at line {(ex.LineNumber ?? 0) + 1}: {ErrorText.OneLine(ex.Message)}", ex);
        }
        try
        {
            RejectDuplicateKeys(document.RootElement, source, "");
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public static JsonDocument Parse(string json, string source, JsonDocumentOptions? options = null) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(json), source, options);

    /// <summary>Throws when <paramref name="element"/> or anything inside it holds one key twice.</summary>
    public static void RejectDuplicateKeys(JsonElement element, string source, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                HashSet<string>? seen = null;
                foreach (var property in element.EnumerateObject())
                {
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    string at = path.Length == 0 ? property.Name : path + "." + property.Name;
                    if (!seen.Add(property.Name)) throw new DataContractException(source, $"duplicate key '{at}'");
                    RejectDuplicateKeys(property.Value, source, at);
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in element.EnumerateArray()) RejectDuplicateKeys(item, source, $"{path}[{i++}]");
                break;
        }
    }

    /// <summary>Throws on a key of <paramref name="obj"/> outside <paramref name="known"/>.</summary>
    public static void RejectUnknownKeys(JsonElement obj, string source, string path, params string[] known)
    {
        if (obj.ValueKind != JsonValueKind.Object) return;
        foreach (var property in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) >= 0) continue;
            string at = path.Length == 0 ? property.Name : path + "." + property.Name;
            throw new DataContractException(source, $"unknown key '{at}' (expected one of: {string.Join(", ", known)})");
        }
    }

    /// <summary>
    /// For objects open to future fields: throws on a key that looks like a misspelling of a known one (same letters
    /// ignoring case and '_', or at most two edits away), and lets other unknown keys through.
    /// </summary>
    public static void RejectMisspeltKeys(JsonElement obj, string source, string path, params string[] known)
    {
        if (obj.ValueKind != JsonValueKind.Object) return;
        foreach (var property in obj.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) >= 0) continue;
            foreach (string k in known)
            {
                if (!LooksLike(property.Name, k)) continue;
                string at = path.Length == 0 ? property.Name : path + "." + property.Name;
                throw new DataContractException(source, $"unknown key '{at}' (did you mean '{k}'?)");
            }
        }
    }

    private static bool LooksLike(string candidate, string known)
    {
        static string Fold(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (Fold(candidate) == Fold(known)) return true;
        return known.Length >= 4 && EditDistance.Between(candidate.ToLowerInvariant(), known.ToLowerInvariant()) <= 2;
    }
}
