using CloudXpcs.Science.Comparison;

namespace CloudXpcs.Science.Tests.Comparison;

public class LocalConcentrationTests
{
    private static readonly ProfilePoint[] Profiles =
    [
        new(100, -1, 1.0, 0), new(100, 1, 3.0, 0),
        new(300, -1, 0.5, 0), new(300, 0, 1.5, 0), new(300, 1, 3.5, 0),
    ];

    [Theory]
    [InlineData(100, 0, 2.0)]            // linear in position inside one profile
    [InlineData(300, 0.5, 2.5)]
    [InlineData(200, 0, 1.75)]           // halfway in time between 2.0 and 1.5
    [InlineData(320, -1, 0.5)]           // within the time tolerance after the last profile
    [InlineData(90, 1.05, 3.0)]          // within the position tolerance beyond the span
    public void InterpolatesInPositionThenInTime(double timeMin, double positionMm, double expected) =>
        Assert.Equal(expected, LocalConcentration.At(Profiles, timeMin, positionMm)!.Value, 12);

    [Theory]
    [InlineData(400, 0)]
    [InlineData(50, 0)]
    [InlineData(200, 1.3)]
    public void UnknownOutsideTheProfiles(double timeMin, double positionMm) =>
        Assert.Null(LocalConcentration.At(Profiles, timeMin, positionMm));
}
