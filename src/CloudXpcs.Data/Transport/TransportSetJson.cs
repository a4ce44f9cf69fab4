using System.Text.Json;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Electrolyte;

namespace CloudXpcs.Data.Transport;

/// <summary>User transport sets as JSON, DATA_CONTRACT section 6 (schema "cloudxpcs.transport/1").</summary>
public static class TransportSetJson
{
    public const string Schema = "cloudxpcs.transport/1";

    public static TransportSet Load(string path)
    {
        using var document = StrictJson.Load(path);
        return Parse(document, path);
    }

    /// <param name="source">File or blob name used in error messages.</param>
    public static TransportSet Parse(string json, string source)
    {
        using var document = StrictJson.Parse(json, source);
        return Parse(document, source);
    }

    private static readonly string[] Keys = ["schema", "name", "source", "temperature_C", "table", "V_salt_cm3_per_mol", "V_EO_cm3_per_mol", "interfacial_resistance_ohm_cm2"];
    private static readonly string[] TableKeys = ["c_M", "kappa_S_per_cm", "D_cm2_per_s", "tplus0", "thermo_factor"];

    private static TransportSet Parse(JsonDocument document, string source)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new DataContractException(source, "transport set must be a JSON object");
        StrictJson.RejectUnknownKeys(root, source, "", Keys);
        var fields = ManifestJson.Of(root, source, ManifestJsonWording.TransportSet);
        string schema = RequiredText(fields, "schema");
        if (schema != Schema) throw new DataContractException(source, $"schema is '{schema}', expected '{Schema}'");
        string name = RequiredText(fields, "name");
        if (!root.TryGetProperty("table", out var table) || table.ValueKind != JsonValueKind.Object)
            throw new DataContractException(source, "'table' object is missing");
        StrictJson.RejectUnknownKeys(table, source, "table", TableKeys);
        var transportTable = new TransportTable(
            Column(table, "c_M", source), Column(table, "kappa_S_per_cm", source), Column(table, "D_cm2_per_s", source),
            Column(table, "tplus0", source), Column(table, "thermo_factor", source));
        string citation = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "user supplied";
        try
        {
            return TransportSet.FromTable(name, citation, ["user-supplied set: " + source], fields.RequiredDouble("temperature_C"),
                transportTable, fields.RequiredDouble("V_salt_cm3_per_mol"), fields.RequiredDouble("V_EO_cm3_per_mol"),
                fields.OptionalDouble("interfacial_resistance_ohm_cm2") ?? 0.0);
        }
        catch (ArgumentException ex)
        {
            throw new DataContractException(source, ex.Message, ex);
        }
    }

    /// <summary>A required string that is not blank (a blank one counts as missing).</summary>
    private static string RequiredText(ManifestJson fields, string key)
    {
        string value = fields.RequiredString(key);
        return string.IsNullOrWhiteSpace(value) ? throw fields.Missing(key, "a string") : value;
    }

    private static double[] Column(JsonElement table, string key, string source)
    {
        if (!table.TryGetProperty(key, out var v)) throw new DataContractException(source, $"table column '{key}' is missing");
        if (v.ValueKind != JsonValueKind.Array) throw new DataContractException(source, $"table column '{key}' must be an array of numbers");
        var values = new double[v.GetArrayLength()];
        int k = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double value) || !double.IsFinite(value))
                throw new DataContractException(source, $"table column '{key}' row {k} is not a finite number");
            values[k++] = value;
        }
        return values;
    }
}
