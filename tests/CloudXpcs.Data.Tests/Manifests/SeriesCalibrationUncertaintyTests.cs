using System.Text.Json.Nodes;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Tests.Manifests;

/// <summary>series.json "calibration_uncertainty": optional, strict, defaults documented in DATA_CONTRACT.</summary>
public class SeriesCalibrationUncertaintyTests
{
    private const string Source = "series.json";

    private static string With(string? calibrationJson)
    {
        var json = JsonNode.Parse(SeriesManifestTests.ContractExample)!.AsObject();
        if (calibrationJson is not null) json["calibration_uncertainty"] = JsonNode.Parse(calibrationJson);
        return json.ToJsonString();
    }

    [Fact]
    public void AbsentMeansTheDocumentedDefaults()
    {
        var m = SeriesManifest.Parse(SeriesManifestTests.ContractExample, Source);
        Assert.Null(m.Calibration);
        var d = m.CalibrationUncertaintyOrDefault;
        Assert.Equal(0.005 * 8.0, d.DistanceErrM, 12);
        Assert.Equal(0.001 * 10.9, d.EnergyErrKeV, 12);
        Assert.Equal(0.001 * 75e-6, d.PixelSizeErrM, 15);
        Assert.Equal(0.5, d.BeamCenterErrPx);
    }

    [Fact]
    public void GivenFieldsAreKeptAndMissingOnesDefaultAndItRoundTrips()
    {
        var m = SeriesManifest.Parse(With("""{"distance_err_m": 0.002, "beam_center_err_px": 0.2}"""), Source);
        Assert.Equal(new CalibrationUncertainty(0.002, 0.001 * 10.9, 0.001 * 75e-6, 0.2), m.Calibration);
        Assert.Equal(m, SeriesManifest.Parse(m.ToJson(), Source));
    }

    [Theory]
    [InlineData("""{"distance_err": 0.002}""", "unknown field 'calibration_uncertainty.distance_err'")]
    [InlineData("""{"energy_err_keV": -0.01}""", "'calibration_uncertainty.energy_err_keV' must be non-negative")]
    [InlineData("""{"distance_err_m": 9.0}""", "'calibration_uncertainty.distance_err_m' (9) must be below")]
    [InlineData("""{"pixel_size_err_m": "1e-7"}""", "calibration_uncertainty.pixel_size_err_m")]
    [InlineData("""[0.1]""", "'calibration_uncertainty' must be an object")]
    public void BadValuesAreRefusedNamingTheField(string calibration, string expected)
    {
        var ex = Assert.Throws<DataContractException>(() => SeriesManifest.Parse(With(calibration), Source));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith(Source, ex.Message);
    }

    [Fact]
    public void ADuplicateOrMisspeltKeyIsRefused()
    {
        string duplicate = With("""{"beam_center_err_px": 0.2}""").Replace("\"beam_center_err_px\":0.2", "\"beam_center_err_px\":0.2,\"beam_center_err_px\":0.3");
        Assert.Throws<DataContractException>(() => SeriesManifest.Parse(duplicate, Source));
        var json = JsonNode.Parse(SeriesManifestTests.ContractExample)!.AsObject();
        json["calibration_uncertainity"] = JsonNode.Parse("{}");
        Assert.Throws<DataContractException>(() => SeriesManifest.Parse(json.ToJsonString(), Source));
    }
}
