using System.Text.Json;
using CloudXpcs.Science.Continuum;

namespace CloudXpcs.Data.Results;

/// <summary>simulations/{set}.json, DATA_CONTRACT section 5.3 (schema "cloudxpcs.simulation/1").</summary>
public static class SimulationJson
{
    public const string Schema = "cloudxpcs.simulation/1";
    internal const double MilliAmpPerCm2PerAmpPerM2 = 0.1;
    internal const double MolarPerMolPerM3 = 1e-3;
    internal const double AngstromPerMetre = 1e10;

    /// <summary>The contract's file name for a set: simulations/{set}.json.</summary>
    public static string RelativePath(string setName) => $"{FolderName}/{setName}.json";

    public const string FolderName = "simulations";

    public static void Write(CellSimulationResult result, string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using var stream = File.Create(path);
        Write(result, stream);
    }

    public static void Write(CellSimulationResult result, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("set", result.TransportSetName);
        Array(w, "time_min", result.TimesS, 1.0 / 60);
        Array(w, "current_mA_cm2", result.CurrentDensityAPerM2, MilliAmpPerCm2PerAmpPerM2);
        Array(w, "x_mm", result.CellPositionsMm, 1);
        Matrix(w, "concentration_M", result.ConcentrationMolPerM3, MolarPerMolPerM3);
        Array(w, "positions_mm", result.PositionsMm, 1);
        Matrix(w, "v_eo_lab_A_per_s", result.SolventVelocityLabMPerS, AngstromPerMetre);
        Matrix(w, "v_tfsi_solvent_frame_A_per_s", result.AnionVelocitySolventFrameMPerS, AngstromPerMetre);
        // Extensions: the thermodynamic factor used, the set's named assumptions, and properties clamped outside their tables.
        w.WriteString("thermo_factor", result.ThermodynamicFactor);
        w.WriteStartArray("transport_caveats");
        foreach (string c in result.TransportCaveats) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteStartArray("warnings");
        foreach (string c in result.Warnings) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The contract fields of a simulations/{set}.json file, in contract units.</summary>
    public sealed record Document(string Set, double[] TimeMin, double[] CurrentMAPerCm2, double[] XMm, double[][] ConcentrationM,
                                  double[] PositionsMm, double[][] VEoLabAPerS, double[][] VTfsiSolventFrameAPerS)
    {
        /// <summary>Extension: the thermodynamic factor the simulation used; null in files without it.</summary>
        public string? ThermodynamicFactor { get; init; }
        /// <summary>Extension: e.g. properties clamped outside their tables; empty in files without it.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = [];
    }

    public static Document Read(string path)
    {
        try
        {
            using var document = Inputs.StrictJson.Load(path);
            var root = document.RootElement;
            string schema = root.GetProperty("schema").GetString() ?? "";
            if (schema != Schema) throw new DataContractException(path, $"schema is '{schema}', expected '{Schema}'");
            return new Document(root.GetProperty("set").GetString()!, Numbers(root.GetProperty("time_min")),
                Numbers(root.GetProperty("current_mA_cm2")), Numbers(root.GetProperty("x_mm")),
                root.GetProperty("concentration_M").EnumerateArray().Select(Numbers).ToArray(),
                Numbers(root.GetProperty("positions_mm")),
                root.GetProperty("v_eo_lab_A_per_s").EnumerateArray().Select(Numbers).ToArray(),
                root.GetProperty("v_tfsi_solvent_frame_A_per_s").EnumerateArray().Select(Numbers).ToArray())
            {
                ThermodynamicFactor = root.TryGetProperty("thermo_factor", out var tf) && tf.ValueKind == JsonValueKind.String ? tf.GetString() : null,
                Warnings = root.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array
                    ? warnings.EnumerateArray().Select(e => e.GetString() ?? "").ToArray() : [],
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DataContractException(path, "not a valid simulation file: " + ex.Message, ex);
        }
    }

    private static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static void Array(Utf8JsonWriter w, string name, double[] values, double scale)
    {
        w.WriteStartArray(name);
        foreach (double v in values) w.WriteNumberValue(v * scale);
        w.WriteEndArray();
    }

    private static void Matrix(Utf8JsonWriter w, string name, double[][] rows, double scale)
    {
        w.WriteStartArray(name);
        foreach (var row in rows)
        {
            w.WriteStartArray();
            foreach (double v in row) w.WriteNumberValue(v * scale);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }
}
