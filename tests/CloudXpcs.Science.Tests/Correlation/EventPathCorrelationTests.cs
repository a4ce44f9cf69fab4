using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>The event path gives the dense path's result bit for bit: given as events, chosen automatically, mixed.</summary>
public class EventPathCorrelationTests
{
    internal static MultiTauResult Dense(QMap map, ushort[] frames, int n, MultiTauOptions options)
    {
        using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
        correlator.AddFrames<ushort>(frames);
        Assert.Equal(0, correlator.FramesOnEventPath);
        return correlator.ToResult(0.1);
    }

    /// <summary>Batches of the given sizes in turn; odd-numbered batches as events, even ones as dense frames when <paramref name="mixed"/>.</summary>
    private static MultiTauResult Events(QMap map, ushort[] frames, int n, MultiTauOptions options, int[] batchSizes, bool mixed = false)
    {
        using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
        int pixels = map.PixelCount;
        for (int t = 0, i = 0; t < n; i++)
        {
            int size = Math.Min(batchSizes[i % batchSizes.Length], n - t);
            var batch = frames.AsSpan(t * pixels, size * pixels);
            if (mixed && i % 2 == 1) correlator.AddFrames<ushort>(batch);
            else correlator.AddEvents(PhotonEventBatch.FromDense(batch, pixels));
            t += size;
        }
        return correlator.ToResult(0.1);
    }

    internal static void AssertSameResult(MultiTauResult expected, MultiTauResult actual)
    {
        AssertSameBits(expected.G2, actual.G2);
        AssertSameBits(expected.G2Err, actual.G2Err);
        AssertSameBits(expected.Scattering2d, actual.Scattering2d);
        AssertSameBits(expected.IntensityVsTime, actual.IntensityVsTime);
    }

    private static void AssertSameBits(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
                Assert.Fail($"index {i}: dense {expected[i]:R}, events {actual[i]:R}");
    }

    [Theory]
    [InlineData(0.002, 4, 1)]
    [InlineData(0.02, 4, 2)]
    [InlineData(0.1, 4, 3)]
    [InlineData(0.5, 4, 4)]
    [InlineData(3.0, 4, 5)]
    [InlineData(0.03, 2, 6)]
    [InlineData(0.03, 3, 7)]
    [InlineData(0.05, 1, 8)]
    public void Events_give_the_dense_result_bit_for_bit(double mean, int d, int seed)
    {
        var g = SmallDetector.Geometry(16, 23);
        var map = SmallDetector.Map(g);
        int n = 700;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, seed);
        var options = new MultiTauOptions { DelaysPerLevel = d, MaxDegreeOfParallelism = 2 };
        var dense = Dense(map, frames, n, options);
        AssertSameResult(dense, Events(map, frames, n, options, [n]));
        AssertSameResult(dense, Events(map, frames, n, options, [7, 100, 1, 33, 2]));
        AssertSameResult(dense, Events(map, frames, n, options, [64, 3, 129], mixed: true));
    }

    [Fact]
    public void A_long_event_batch_with_a_busy_stretch_is_the_dense_result()
    {
        var g = SmallDetector.Geometry(8, 9);
        var map = SmallDetector.Map(g);
        int n = 20000, pixels = g.PixelCount;
        var frames = new ushort[n * pixels];
        SmallDetector.PoissonFrames(1000, pixels, 0.6, 12).CopyTo(frames.AsSpan(9000 * pixels));
        SmallDetector.PoissonFrames(5000, pixels, 0.002, 13).CopyTo(frames.AsSpan(14000 * pixels));
        var options = new MultiTauOptions();
        AssertSameResult(Dense(map, frames, n, options), Events(map, frames, n, options, [n]));
    }

    [Fact]
    public void A_pixel_shard_on_the_event_path_is_the_dense_shard()
    {
        var g = SmallDetector.Geometry(16, 23);
        var map = SmallDetector.Map(g);
        int n = 300;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.04, 9);
        var options = new MultiTauOptions { PixelStart = 37, PixelEnd = 250 };
        AssertSameResult(Dense(map, frames, n, options), Events(map, frames, n, options, [50, 11]));
    }

    [Fact]
    public void Photon_starved_dense_frames_take_the_event_path_with_the_same_result()
    {
        var g = SmallDetector.Geometry(16, 23);
        var map = SmallDetector.Map(g);
        int n = 400;
        var sparse = SmallDetector.PoissonFrames(n, g.PixelCount, 0.001, 10);
        var busy = SmallDetector.PoissonFrames(n, g.PixelCount, 1.0, 11);
        var options = new MultiTauOptions();
        foreach (var (frames, eventPath) in new[] { (sparse, true), (busy, false) })
        {
            using var correlator = new MultiTauCorrelator(map, n, options);
            for (int t = 0; t < n; t += 100) correlator.AddFrames<ushort>(frames.AsSpan(t * g.PixelCount, 100 * g.PixelCount));
            Assert.Equal(eventPath ? n : 0, correlator.FramesOnEventPath);
            AssertSameResult(Dense(map, frames, n, options), correlator.ToResult(0.1));
        }
    }
}
