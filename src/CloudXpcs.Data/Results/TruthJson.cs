using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Data.Results;

/// <summary>One simulated series of a synthetic beamtime as the beamtime's truth.json lists it.</summary>
public sealed record SyntheticSeriesTruth(
    [property: JsonPropertyName("series")] string Series,
    [property: JsonPropertyName("position_mm")] double PositionMm,
    [property: JsonPropertyName("time_min")] double TimeMin,
    [property: JsonPropertyName("speed_A_per_s")] double SpeedAPerS);

/// <summary>A synthetic beamtime's truth.json: the transport set its cell was simulated with and each series' true speed.</summary>
public sealed record SyntheticBeamtimeTruth(
    [property: JsonPropertyName("transport_set")] string TransportSet,
    [property: JsonPropertyName("series")] IReadOnlyList<SyntheticSeriesTruth> Series);

/// <summary>
/// The owner of truth.json, written beside simulated data (a series folder or a beamtime folder) with the parameters the
/// simulator was given, for tests and benchmarks to compare results against.
/// </summary>
public static class TruthJson
{
    public const string FileName = "truth.json";

    // The default encoder (a '+' in a series name written as \u002B), as truth.json has always been written: the file is
    // uploaded with the simulated beamtime, and raw blobs are immutable, so a simulation run again must give the same bytes.
    private static readonly JsonSerializerOptions BeamtimeOptions = new(ResultJson.Options) { Encoder = JavaScriptEncoder.Default };
    private static readonly JsonSerializerOptions SeriesOptions = new(BeamtimeOptions) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void WriteSeries(string seriesFolder, SeriesTruth truth) =>
        AtomicFile.WriteAllText(Path.Combine(seriesFolder, FileName), JsonSerializer.Serialize(truth, SeriesOptions));

    public static SeriesTruth ReadSeries(string seriesFolder) => Read<SeriesTruth>(Path.Combine(seriesFolder, FileName), SeriesOptions);

    public static void WriteBeamtime(string beamtimeFolder, SyntheticBeamtimeTruth truth) =>
        AtomicFile.WriteAllText(Path.Combine(beamtimeFolder, FileName), JsonSerializer.Serialize(truth, BeamtimeOptions));

    public static SyntheticBeamtimeTruth ReadBeamtime(string beamtimeFolder) => Read<SyntheticBeamtimeTruth>(Path.Combine(beamtimeFolder, FileName), BeamtimeOptions);

    private static T Read<T>(string path, JsonSerializerOptions options) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), options)
                   ?? throw new DataContractException(path, "empty truth.json");
        }
        catch (JsonException ex)
        {
            throw new DataContractException(path, "malformed truth.json: " + ex.Message, ex);
        }
    }
}
