using CloudXpcs.Data.Transport;

namespace CloudXpcs.Data.Tests.Transport;

public sealed class TransportSetJsonTests
{
    private const string Valid = """
        { "schema": "cloudxpcs.transport/1", "name": "my-set", "temperature_C": 90,
          "table": { "c_M": [1.0, 2.0], "kappa_S_per_cm": [1e-3, 9e-4], "D_cm2_per_s": [1e-7, 8e-8], "tplus0": [0.2, 0.1], "thermo_factor": [1.5, 2.0] },
          "V_salt_cm3_per_mol": 134.9, "V_EO_cm3_per_mol": 40.0, "interfacial_resistance_ohm_cm2": 7.0,
          "source": "somebody 2024" }
        """;

    [Fact]
    public void ParsesContractExampleIntoSiUnits()
    {
        var set = TransportSetJson.Parse(Valid, "my.json");
        Assert.Equal("my-set", set.Name);
        Assert.Equal("somebody 2024", set.Citation);
        Assert.Equal(0.1, set.ConductivitySPerM.ValueAt(1000), 12);
        Assert.Equal(8e-12, set.DiffusivityM2PerS.ValueAt(2000), 1e-24);
        Assert.Equal(1.75, set.ThermodynamicFactor.ValueAt(1500), 12);
        Assert.Equal(134.9e-6, set.SaltPartialMolarVolumeM3PerMol, 15);
        Assert.Equal(7e-4, set.InterfacialResistanceOhmM2, 15);
        Assert.Equal(363.15, set.TemperatureK, 12);
    }

    [Theory]
    [InlineData("\"c_M\": [1.0, 2.0]", "\"c_M\": [2.0, 1.0]", "c_M must increase")]
    [InlineData("\"kappa_S_per_cm\": [1e-3, 9e-4]", "\"kappa_S_per_cm\": [1e-3, -9e-4]", "kappa must be > 0")]
    [InlineData("\"tplus0\": [0.2, 0.1]", "\"tplus0\": [0.2, 1.1]", "tplus0 must be < 1")]
    [InlineData(", \"thermo_factor\": [1.5, 2.0]", "", "'thermo_factor' is missing")]
    [InlineData("\"cloudxpcs.transport/1\"", "\"other/1\"", "schema")]
    [InlineData("\"V_EO_cm3_per_mol\": 40.0,", "", "'V_EO_cm3_per_mol' (number) is missing")]
    [InlineData("\"D_cm2_per_s\": [1e-7, 8e-8]", "\"D_cm2_per_s\": [1e-7]", "'D_cm2_per_s' has 1 values")]
    [InlineData("\"temperature_C\": 90,", "\"temperature_C\": 90, \"temperature_C\": 25,", "duplicate key 'temperature_C'")]
    [InlineData("\"tplus0\": [0.2, 0.1]", "\"tplus0\": [0.2, 0.1], \"tplus0\": [0.9, 0.9]", "duplicate key 'table.tplus0'")]
    [InlineData("\"interfacial_resistance_ohm_cm2\"", "\"interfacial_resistance_ohm_cm\"", "unknown key 'interfacial_resistance_ohm_cm'")]
    [InlineData("\"thermo_factor\"", "\"thermo_factor\": [1, 1], \"thermofactor\"", "unknown key 'table.thermofactor'")]
    [InlineData("\"V_salt_cm3_per_mol\": 134.9", "\"V_salt_cm3_per_mol\": 1e400", "'V_salt_cm3_per_mol' must be a finite number")]
    [InlineData("\"D_cm2_per_s\": [1e-7, 8e-8]", "\"D_cm2_per_s\": [1e-7, 1e300]", "D must be > 0 and <= 1E-06 m2/s")]
    [InlineData("\"kappa_S_per_cm\": [1e-3, 9e-4]", "\"kappa_S_per_cm\": [1e-3, 1e5]", "kappa must be > 0 and <= 1000 S/m")]
    [InlineData("\"thermo_factor\": [1.5, 2.0]", "\"thermo_factor\": [1.5, 1e9]", "thermo_factor must be > 0 and <= 1000")]
    [InlineData("\"tplus0\": [0.2, 0.1]", "\"tplus0\": [0.2, -1e9]", "tplus0 must be < 1 (the anion must carry some current) and >= -1000")]
    public void BadSetsFailWithFileAndProblem(string original, string replacement, string expected)
    {
        Assert.Contains(original, Valid);
        var ex = Assert.Throws<DataContractException>(() => TransportSetJson.Parse(Valid.Replace(original, replacement), "bad.json"));
        Assert.Equal("bad.json", ex.Source);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void MissingFileAndBrokenJsonAreContractErrors()
    {
        Assert.Throws<DataContractException>(() => TransportSetJson.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".json")));
        Assert.Contains("not valid JSON", Assert.Throws<DataContractException>(() => TransportSetJson.Parse("{ nope", "x.json")).Message);
    }
}
