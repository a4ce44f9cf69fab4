using System.Text.Json.Nodes;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Manifests;

public class BeamtimeManifestTests
{
    private const string Source = "raw/steinrueck2020/beamtime.json";

    /// <summary>The beamtime.json of DATA_CONTRACT section 1.5.</summary>
    private const string ContractExample = """
        {"schema": "cloudxpcs.beamtime/1", "beamtime": "steinrueck2020", "cell": {"length_mm": 3.0, "voltage_V": 0.3,
        "temperature_C": 90, "r_initial": 0.1, "initial_concentration_M": 1.87}, "stripping_electrode_side": -1,
        "transport_sets": ["PNB", "RS"]}
        """;

    [Fact]
    public void ParsesTheContractExample()
    {
        var m = BeamtimeManifest.Parse(ContractExample, Source);
        Assert.Equal("steinrueck2020", m.Beamtime);
        Assert.Equal(new BeamtimeCell(3.0, 0.3, 90, 0.1, 1.87), m.Cell);
        Assert.Equal(-1, m.StrippingElectrodeSide);
        Assert.Equal(["PNB", "RS"], m.TransportSets);
    }

    [Fact]
    public void ToJsonRoundTrips()
    {
        var m = BeamtimeManifest.Parse(ContractExample, Source);
        var back = BeamtimeManifest.Parse(m.ToJson(), Source);
        Assert.Equal(m.Beamtime, back.Beamtime);
        Assert.Equal(m.Cell, back.Cell);
        Assert.Equal(m.StrippingElectrodeSide, back.StrippingElectrodeSide);
        Assert.Equal(m.TransportSets, back.TransportSets);
    }

    public static TheoryData<string, string> Malformed()
    {
        static string Edit(Action<JsonObject> edit)
        {
            var json = JsonNode.Parse(ContractExample)!.AsObject();
            edit(json);
            return json.ToJsonString();
        }
        return new TheoryData<string, string>
        {
            { Edit(j => j["schema"] = "cloudxpcs.series/1"), "unknown schema" },
            { Edit(j => j["stripping_electrode_side"] = 0), "'stripping_electrode_side' must be -1 or +1 (got 0)" },
            { Edit(j => j["cell"]!.AsObject().Remove("length_mm")), "missing required field 'cell.length_mm'" },
            { Edit(j => j["cell"]!["length_mm"] = -3), "'cell.length_mm' must be positive" },
            { Edit(j => j["cell"]!["initial_concentration_M"] = "1.87"), "'cell.initial_concentration_M' must be a number (got a string)" },
            { Edit(j => j["transport_sets"] = "PNB"), "'transport_sets' must be an array of strings (got a string)" },
            { Edit(j => j["transport_sets"] = new JsonArray("PNB", 3)), "'transport_sets[1]' must be a string" },
            { Edit(j => j["transport_sets"] = new JsonArray("PNB", "PNB")), "lists \"PNB\" twice" },
            { "{\"schema\": \"cloudxpcs.beamtime/1\"", "not valid JSON" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedBeamtimesFailWithTheFileAndTheProblem(string json, string problem) =>
        ContractAssert.Throws(Source, () => BeamtimeManifest.Parse(json, Source), problem);
}
