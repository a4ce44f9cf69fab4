using System.Text.Json;
using CloudXpcs.Data.Inputs;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// Strict, typed access to one JSON object of a manifest (value ranges are checked by the manifest's Validate): every violation becomes a one-line
/// <see cref="DataContractException"/> naming the file and the field path (e.g. <c>detector.rows</c>).
/// </summary>
internal sealed class ManifestJson
{
    /// <summary>Manifests are a few hundred bytes; anything larger than this is not a manifest.</summary>
    public const long MaxManifestBytes = 1 << 20;

    /// <summary>Nesting deeper than this is rejected while parsing, before any field is looked at.</summary>
    public const int MaxDepth = 16;

    private readonly JsonElement _object;
    private readonly string _source;
    private readonly string _prefix;

    private ManifestJson(JsonElement obj, string source, string prefix)
    {
        _object = obj;
        _source = source;
        _prefix = prefix;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name)) throw Error($"duplicate field '{Path(property.Name)}'");
        }
    }

    /// <summary>Parses a whole manifest; the root must be an object. The returned document must be disposed.</summary>
    public static (JsonDocument Document, ManifestJson Root) ParseRoot(string json, string source)
    {
        if (json.Length > MaxManifestBytes)
            throw new DataContractException(source, $"manifest is {json.Length} characters, more than the {MaxManifestBytes} allowed");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new DataContractException(source, "not valid JSON: " + ErrorText.OneLine(ex.Message), ex);
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new DataContractException(source, $"the manifest must be a JSON object (got {Describe(kind)})");
        }
        return (document, new ManifestJson(document.RootElement, source, ""));
    }

    /// <summary>Reads a manifest file as text, refusing absurd sizes before reading them.</summary>
    public static string ReadManifestText(string path)
    {
        return InputFile.ReadAllText(path, MaxManifestBytes);
    }

    public DataContractException Error(string problem) => new(_source, problem);

    /// <summary>For objects open to future fields: a key that looks like a misspelt known one is rejected.</summary>
    public void RejectMisspeltFields(params string[] known) => StrictJson.RejectMisspeltKeys(_object, _source, _prefix, known);

    public bool Has(string name) => _object.TryGetProperty(name, out _);

    public string Path(string name) => _prefix.Length == 0 ? name : _prefix + "." + name;

    /// <summary>Fields outside <paramref name="known"/> are rejected (used for closed sub-objects, where a typo would silently fall back to a default).</summary>
    public void RejectUnknownFields(params string[] known)
    {
        foreach (var property in _object.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
                throw Error($"unknown field '{Path(property.Name)}' (expected one of: {string.Join(", ", known)})");
        }
    }

    private JsonElement Required(string name)
    {
        if (!_object.TryGetProperty(name, out var value)) throw Error($"missing required field '{Path(name)}'");
        return value;
    }

    /// <summary>The field, or null when it is absent or JSON null.</summary>
    private JsonElement? Optional(string name) =>
        _object.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string RequiredString(string name) => AsString(Required(name), name);

    public string? NullableString(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Null ? null : AsString(value, name);
    }

    public ManifestJson RequiredObject(string name) => AsObject(Required(name), name);

    public ManifestJson? OptionalObject(string name) => Optional(name) is { } value ? AsObject(value, name) : null;

    public int RequiredInt(string name) => AsInt(Required(name), name);

    public int OptionalInt(string name, int defaultValue) => Optional(name) is { } value ? AsInt(value, name) : defaultValue;

    public double RequiredDouble(string name) => AsDouble(Required(name), name);

    public double OptionalDouble(string name, double defaultValue) => Optional(name) is { } value ? AsDouble(value, name) : defaultValue;

    public IReadOnlyList<string> RequiredStringArray(string name)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Array) throw Error($"field '{Path(name)}' must be an array of strings (got {Describe(value.ValueKind)})");
        var list = new List<string>();
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            list.Add(AsString(item, $"{name}[{i}]"));
            i++;
        }
        return list;
    }

    private string AsString(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.String) throw Error($"field '{Path(name)}' must be a string (got {Describe(value.ValueKind)})");
        return value.GetString()!;
    }

    private ManifestJson AsObject(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Error($"field '{Path(name)}' must be an object (got {Describe(value.ValueKind)})");
        return new ManifestJson(value, _source, Path(name));
    }

    private int AsInt(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number) throw Error($"field '{Path(name)}' must be an integer (got {Describe(value.ValueKind)})");
        if (!value.TryGetInt32(out int result))
            throw Error($"field '{Path(name)}' must be an integer in the 32-bit range (got {Abbreviate(value.GetRawText())})");
        return result;
    }

    private double AsDouble(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number) throw Error($"field '{Path(name)}' must be a number (got {Describe(value.ValueKind)})");
        if (!value.TryGetDouble(out double result) || !double.IsFinite(result))
            throw Error($"field '{Path(name)}' must be a finite number (got {Abbreviate(value.GetRawText())})");
        return result;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Abbreviate(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
}
