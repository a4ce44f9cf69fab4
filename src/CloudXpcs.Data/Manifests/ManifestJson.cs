using System.Text.Json;
using CloudXpcs.Data.Inputs;

namespace CloudXpcs.Data.Manifests;

/// <summary>
/// Strict, typed access to one JSON object of a manifest or other JSON input document (value ranges are checked by the
/// document's own Validate): every violation becomes a one-line <see cref="DataContractException"/> naming the file and
/// the field path (e.g. <c>detector.rows</c>), worded by the document's <see cref="ManifestJsonWording"/>.
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
    private readonly ManifestJsonWording _wording;

    private ManifestJson(JsonElement obj, string source, string prefix, ManifestJsonWording wording)
    {
        _object = obj;
        _source = source;
        _prefix = prefix;
        _wording = wording;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (!seen.Add(property.Name)) throw Error($"duplicate field '{Path(property.Name)}'");
        }
    }

    /// <summary>The fields of an already parsed object (e.g. one read by <see cref="StrictJson"/>), worded as <paramref name="wording"/> says.</summary>
    public static ManifestJson Of(JsonElement obj, string source, ManifestJsonWording wording) => new(obj, source, "", wording);

    public string Source => _source;

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
        return (document, new ManifestJson(document.RootElement, source, "", ManifestJsonWording.Manifest));
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

    /// <summary>The error of a missing field that should hold <paramref name="expected"/> (e.g. "a number").</summary>
    public DataContractException Missing(string name, string expected, string hint = "") => Error(_wording.Missing(Path(name), expected) + hint);

    private JsonElement Required(string name, string expected)
    {
        if (!_object.TryGetProperty(name, out var value)) throw Missing(name, expected);
        return value;
    }

    /// <summary>The field, or null when it is absent or JSON null.</summary>
    private JsonElement? Optional(string name) =>
        _object.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string RequiredString(string name) => AsString(Required(name, "a string"), name);

    public string? NullableString(string name)
    {
        var value = Required(name, "a string");
        return value.ValueKind == JsonValueKind.Null ? null : AsString(value, name);
    }

    public ManifestJson RequiredObject(string name) => AsObject(Required(name, "an object"), name);

    public ManifestJson? OptionalObject(string name) => Optional(name) is { } value ? AsObject(value, name) : null;

    public int RequiredInt(string name) => AsInt(Required(name, "an integer"), name);

    public int OptionalInt(string name, int defaultValue) => Optional(name) is { } value ? AsInt(value, name) : defaultValue;

    public double RequiredDouble(string name) => AsDouble(Required(name, "a number"), name);

    public double OptionalDouble(string name, double defaultValue) => OptionalDouble(name) ?? defaultValue;

    /// <summary>The number, or null when the field is absent or JSON null.</summary>
    public double? OptionalDouble(string name) => Optional(name) is { } value ? AsDouble(value, name) : null;

    /// <summary>The boolean, or null when the field is absent or JSON null.</summary>
    public bool? OptionalBoolean(string name) => Optional(name) is not { } value ? null : value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw WrongKind(value, name, "true or false"),
    };

    public IReadOnlyList<string> RequiredStringArray(string name)
    {
        var value = Required(name, "an array of strings");
        if (value.ValueKind != JsonValueKind.Array) throw WrongKind(value, name, "an array of strings");
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
        if (value.ValueKind != JsonValueKind.String) throw WrongKind(value, name, "a string");
        return value.GetString()!;
    }

    private ManifestJson AsObject(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Object) throw WrongKind(value, name, "an object");
        return new ManifestJson(value, _source, Path(name), _wording);
    }

    private int AsInt(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number) throw WrongKind(value, name, "an integer");
        if (!value.TryGetInt32(out int result))
            throw Error($"{_wording.Field(Path(name))} must be an integer in the 32-bit range (got {Abbreviate(value.GetRawText())})");
        return result;
    }

    private double AsDouble(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number) throw WrongKind(value, name, "a number");
        if (!value.TryGetDouble(out double result) || !double.IsFinite(result))
            throw Error($"{_wording.Field(Path(name))} must be a finite number (got {Abbreviate(value.GetRawText())})");
        return result;
    }

    private DataContractException WrongKind(JsonElement value, string name, string expected) =>
        Error(_wording.WrongKind(Path(name), expected, Describe(value.ValueKind), Abbreviate(value.GetRawText())));

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

/// <summary>
/// How a document's field errors read. Manifests (series.json, beamtime.json) say <c>field 'detector.rows'</c>; the XAM
/// calibration file and transport sets, older and documented with their own messages, say <c>"thickness_cm"</c> and
/// <c>'V_EO_cm3_per_mol' (number) is missing</c>, and name the raw value of a wrong one.
/// </summary>
internal sealed record ManifestJsonWording(
    Func<string, string> Field,
    Func<string, string, string> Missing,
    Func<string, string, string, string, string> WrongKind)
{
    public static readonly ManifestJsonWording Manifest = new(
        path => $"field '{path}'",
        (path, _) => $"missing required field '{path}'",
        (path, expected, gotKind, _) => $"field '{path}' must be {expected} (got {gotKind})");

    public static readonly ManifestJsonWording Quoted = RawValued("\"",
        (path, _) => $"missing \"{path}\"");

    public static readonly ManifestJsonWording TransportSet = RawValued("'",
        (path, expected) => $"'{path}' ({expected.Replace("a ", "", StringComparison.Ordinal)}) is missing");

    private static ManifestJsonWording RawValued(string quote, Func<string, string, string> missing) => new(
        path => quote + path + quote,
        missing,
        (path, expected, _, gotRaw) => $"{quote}{path}{quote} must be {(expected == "a number" ? "a finite number" : expected)} (got {gotRaw})");
}
