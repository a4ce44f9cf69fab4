using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// A series given entirely as events is correlated pixel by pixel at the end (event levels, then dense rows of the
/// upper levels): the dense path's result bit for bit, whatever the occupancy, batching, mask, delays per level or
/// number of levels; a dense batch after event batches hands them to the streaming path with the same result.
/// </summary>
public class WholeSeriesEventPathTests
{
    private static MultiTauResult Events(QMap map, ushort[] frames, int n, MultiTauOptions options, int batchFrames, int denseFrom = int.MaxValue)
    {
        using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
        int pixels = map.PixelCount;
        for (int t = 0; t < n; t += batchFrames)
        {
            var batch = frames.AsSpan(t * pixels, Math.Min(batchFrames, n - t) * pixels);
            if (t >= denseFrom) correlator.AddFrames<ushort>(batch);
            else correlator.AddEvents(PhotonEventBatch.FromDense(batch, pixels));
        }
        Assert.Equal(Math.Min(n, ((long)denseFrom + batchFrames - 1) / batchFrames * batchFrames), correlator.FramesOnEventPath);
        return correlator.ToResult(0.1);
    }

    [Theory]
    [InlineData(0.0005, 4, 1)]
    [InlineData(0.004, 4, 2)]
    [InlineData(0.03, 4, 3)]
    [InlineData(0.3, 4, 4)]
    [InlineData(2.0, 4, 5)]
    [InlineData(0.01, 1, 6)]
    [InlineData(0.01, 2, 7)]
    [InlineData(0.02, 3, 8)]
    [InlineData(0.01, 6, 9)]
    public void Whole_series_events_give_the_dense_result_bit_for_bit(double mean, int d, int seed)
    {
        var g = SmallDetector.Geometry(11, 29);
        var map = SmallDetector.Map(g);
        int n = 1500;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, seed);
        var options = new MultiTauOptions { DelaysPerLevel = d, MaxDegreeOfParallelism = 2 };
        var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, n));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, 97));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, 200, denseFrom: 1000));
    }

    [Fact]
    public void Masked_pixels_empty_columns_and_a_shard_give_the_dense_result()
    {
        var g = SmallDetector.Geometry(24, 40);
        var mask = new byte[g.PixelCount];
        var rng = new Random(3);
        for (int p = 0; p < mask.Length; p++) mask[p] = (byte)(rng.NextDouble() < 0.8 ? 1 : 0);
        // Whole rows of 8 pixels masked, so that some columns hold no binned pixel.
        for (int p = 0; p < 96; p++) mask[p] = 0;
        var map = SmallDetector.Map(g, qBins: 4, phiBins: 3, staticPerDynamic: 3, mask: mask);
        int n = 2048;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.006, 21);
        // A pixel that never counts and one that counts only in the last frame.
        for (int t = 0; t < n; t++) frames[t * g.PixelCount + 300] = 0;
        frames[(n - 1) * g.PixelCount + 301] = 5;
        foreach (var options in new[] { new MultiTauOptions(), new MultiTauOptions { PixelStart = 101, PixelEnd = 803 } })
        {
            var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
            EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, n));
            EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, 300));
        }
    }

    [Fact]
    public void Many_levels_and_an_odd_frame_count_give_the_dense_result()
    {
        var g = SmallDetector.Geometry(4, 8);
        var map = SmallDetector.Map(g, qBins: 1, phiBins: 1, staticPerDynamic: 1);
        int n = 70001;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.002, 31);
        var options = new MultiTauOptions();
        var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
        Assert.True(dense.Lags.Max(l => l.Level) >= 13);
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, n));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, options, 4099));
    }
}
