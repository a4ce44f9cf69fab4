using CloudXpcs.Cli.Commands.Cloud;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Cli.Tests;

public sealed class LiveSeriesStatusTests
{
    private static readonly DateTimeOffset Landed = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static PartialResultDocument Partial(VelocityResult velocity) => new()
    {
        Beamtime = "bt", Series = "s1", FramesCovered = 1024, FramesTotal = 2048, ChunksCovered = 2, ChunksExpected = 4,
        LastChunkUtc = Landed, ComputedUtc = Landed.AddSeconds(2.4), G2File = PartialResultJson.G2FileName,
        Fit = FitDocument.From(new SeriesFit([], [], velocity), "s1", 0, 60),
    };

    [Fact]
    public void A_resolvable_partial_shows_chunks_frames_speed_and_freshness_marked_partial()
    {
        var s = new LiveSeries("bt", "s1", 3, 4, Partial(new VelocityResult
        {
            Resolvable = true, SpeedAPerS = 30.123, SpeedErrAPerS = 2.1, MinResolvableSpeedAPerS = 2.5, Method = "joint", UsedBinCount = 5,
        }));
        Assert.Equal("3/4", LiveSeriesStatus.Chunks(s));
        Assert.Equal("1024/2048 (2 chunks)", LiveSeriesStatus.Frames(s));
        Assert.Equal("30.12 ± 2.10 (partial)", LiveSeriesStatus.Speed(s));
        Assert.Equal("8 s ago, 2.4 s after its last chunk", LiveSeriesStatus.Freshness(s, Landed.AddSeconds(10)));
        var json = LiveSeriesStatus.ToJson([s]).ToJsonString();
        Assert.Contains("\"chunks_landed\":3", json);
        Assert.Contains("\"frames_covered\":1024", json);
        Assert.Contains("\"speed_A_per_s\":30.123", json);
        Assert.Contains("bt/live/s1/partial.json", json);
    }

    [Fact]
    public void An_unresolvable_or_missing_partial_says_so()
    {
        var unresolvable = new LiveSeries("bt", "s1", 2, 4, Partial(new VelocityResult
        {
            Resolvable = false, MinResolvableSpeedAPerS = 2.53, Method = "joint", Reason = "no bin resolves the oscillation",
        }));
        Assert.Equal("not resolvable yet (min 2.5)", LiveSeriesStatus.Speed(unresolvable));
        Assert.Contains("\"speed_A_per_s\":null", LiveSeriesStatus.ToJson([unresolvable]).ToJsonString());
        var none = new LiveSeries("bt", "s1", 0, 4, null);
        Assert.Equal(("none yet", "waiting for chunk 0", ""), (LiveSeriesStatus.Frames(none), LiveSeriesStatus.Speed(none), LiveSeriesStatus.Freshness(none, Landed)));
        Assert.Equal("computing", LiveSeriesStatus.Speed(none with { ChunksLanded = 1 }));
        Assert.Contains("\"partial\":null", LiveSeriesStatus.ToJson([none]).ToJsonString());
    }
}
