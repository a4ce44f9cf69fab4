using System.Text;
using System.Text.Json;

namespace CloudXpcs.Data.Manifests;

/// <summary>beamtime.json (DATA_CONTRACT section 1.5), parsed strictly and validated.</summary>
public sealed record BeamtimeManifest
{
    public const string SchemaId = "cloudxpcs.beamtime/1";
    public const string FileName = "beamtime.json";

    public required string Beamtime { get; init; }
    public required BeamtimeCell Cell { get; init; }
    /// <summary>−1 or +1: the end of the cell where the stripping electrode (positive terminal) lies.</summary>
    public required int StrippingElectrodeSide { get; init; }
    public required IReadOnlyList<string> TransportSets { get; init; }

    public static BeamtimeManifest Load(string path) => Parse(ManifestJson.ReadManifestText(path), path);

    /// <param name="source">File path or blob name used in error messages.</param>
    public static BeamtimeManifest Parse(string json, string source)
    {
        var (document, root) = ManifestJson.ParseRoot(json, source);
        using (document)
        {
            string schema = root.RequiredString("schema");
            if (schema != SchemaId)
                throw root.Error($"unknown schema \"{ManifestNames.Shorten(schema)}\" (expected \"{SchemaId}\")");
            root.RejectMisspeltFields("schema", "beamtime", "cell", "stripping_electrode_side", "transport_sets");
            var cell = root.RequiredObject("cell");
            cell.RejectUnknownFields("length_mm", "voltage_V", "temperature_C", "r_initial", "initial_concentration_M");
            var manifest = new BeamtimeManifest
            {
                Beamtime = root.RequiredString("beamtime"),
                Cell = new BeamtimeCell(
                    LengthMm: cell.RequiredDouble("length_mm"),
                    VoltageV: cell.RequiredDouble("voltage_V"),
                    TemperatureC: cell.RequiredDouble("temperature_C"),
                    RInitial: cell.RequiredDouble("r_initial"),
                    InitialConcentrationM: cell.RequiredDouble("initial_concentration_M")),
                StrippingElectrodeSide = root.RequiredInt("stripping_electrode_side"),
                TransportSets = root.RequiredStringArray("transport_sets"),
            };
            manifest.Validate(source);
            return manifest;
        }
    }

    public void Validate(string source)
    {
        void Fail(string problem) => throw new DataContractException(source, problem);
        if (ManifestNames.SegmentProblem(Beamtime) is { } beamtimeProblem) Fail($"field 'beamtime' {beamtimeProblem} (got \"{ManifestNames.Shorten(Beamtime)}\")");
        if (!(Cell.LengthMm > 0) || !double.IsFinite(Cell.LengthMm)) Fail($"field 'cell.length_mm' must be positive and finite (got {Cell.LengthMm:R})");
        // Beyond ±10 V no polymer cell is polarized; the continuum model has no solution there (diffusion-limited at t = 0).
        if (!(Math.Abs(Cell.VoltageV) <= 10)) Fail($"field 'cell.voltage_V' must be finite and within ±10 V (got {Cell.VoltageV:R})");
        if (!(Cell.TemperatureC > -273.15) || !double.IsFinite(Cell.TemperatureC)) Fail($"field 'cell.temperature_C' must be above absolute zero and finite (got {Cell.TemperatureC:R})");
        if (!(Cell.RInitial >= 0) || !double.IsFinite(Cell.RInitial)) Fail($"field 'cell.r_initial' must be non-negative and finite (got {Cell.RInitial:R})");
        if (!(Cell.InitialConcentrationM > 0) || !double.IsFinite(Cell.InitialConcentrationM)) Fail($"field 'cell.initial_concentration_M' must be positive and finite (got {Cell.InitialConcentrationM:R})");
        if (StrippingElectrodeSide is not (-1 or 1)) Fail($"field 'stripping_electrode_side' must be -1 or +1 (got {StrippingElectrodeSide})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in TransportSets)
        {
            if (ManifestNames.SegmentProblem(set) is { } setProblem) Fail($"entry \"{ManifestNames.Shorten(set)}\" of 'transport_sets' {setProblem}");
            if (!seen.Add(set)) Fail($"'transport_sets' lists \"{set}\" twice");
        }
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", SchemaId);
            w.WriteString("beamtime", Beamtime);
            w.WriteStartObject("cell");
            w.WriteNumber("length_mm", Cell.LengthMm);
            w.WriteNumber("voltage_V", Cell.VoltageV);
            w.WriteNumber("temperature_C", Cell.TemperatureC);
            w.WriteNumber("r_initial", Cell.RInitial);
            w.WriteNumber("initial_concentration_M", Cell.InitialConcentrationM);
            w.WriteEndObject();
            w.WriteNumber("stripping_electrode_side", StrippingElectrodeSide);
            w.WriteStartArray("transport_sets");
            foreach (var set in TransportSets) w.WriteStringValue(set);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Validates, then writes beamtime.json atomically.</summary>
    public void Save(string path)
    {
        Validate(path);
        AtomicFile.WriteAllText(path, ToJson());
    }
}
