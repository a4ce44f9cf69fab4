using System.Text.Json.Serialization;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Data.Results;

/// <summary>
/// fit.json age_resolved_speed[]: one time window along the diagonal of the two-time maps (<see cref="AgeWindowSpeed"/>),
/// ages in seconds from the series' first frame, its speed fitted and tested for resolvability as the series' own.
/// </summary>
public sealed record FitAgeWindowJson
{
    [JsonPropertyName("window")] public int Window { get; init; }
    [JsonPropertyName("first_frame")] public int FirstFrame { get; init; }
    [JsonPropertyName("frames")] public int Frames { get; init; }
    [JsonPropertyName("start_s")] public double StartS { get; init; }
    [JsonPropertyName("age_s")] public double AgeS { get; init; }
    [JsonPropertyName("end_s")] public double EndS { get; init; }
    [JsonPropertyName("velocity")] public required FitVelocityJson Velocity { get; init; }

    public static FitAgeWindowJson From(AgeWindowSpeed w) => new()
    {
        Window = w.Window, FirstFrame = w.FirstFrame, Frames = w.Frames, StartS = w.StartS, AgeS = w.AgeS, EndS = w.EndS,
        Velocity = FitVelocityJson.From(w.Velocity),
    };
}
