using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The whole-series event path's pixel kernel (pairs of events for levels 0-2, a pixel's bins for levels 3-4, a
/// column's rows above) and its bucketing by chunk of pixels: a detector large enough for several finalization parts
/// and chunks, masked blocks between columns, a partial last bin at every level, series shorter than the kernel's
/// levels, bursts with many events inside one pair window, and pixels whose totals exceed the float limit (4096, left to
/// the per-pixel path) give the dense result bit for bit.
/// </summary>
public class EventPixelKernelTests
{
    private static MultiTauResult Events(Science.Geometry.QMap map, ushort[] frames, int n, int batchFrames)
    {
        using var correlator = new MultiTauCorrelator(map, n, new MultiTauOptions { EventPathForSparseFrames = false, MaxDegreeOfParallelism = 2 });
        int pixels = map.PixelCount;
        for (int t = 0; t < n; t += batchFrames)
            correlator.AddEvents(PhotonEventBatch.FromDense(frames.AsSpan(t * pixels, Math.Min(batchFrames, n - t) * pixels), pixels));
        Assert.Equal(n, correlator.FramesOnEventPath);
        return correlator.ToResult(0.1);
    }

    [Fact]
    public void Several_parts_masked_blocks_and_large_pixel_totals_give_the_dense_result()
    {
        // 80 × 96 pixels: up to 960 columns of 8, so 3 finalization parts and 15 sorting chunks of 512 pixels (a part
        // may end inside a chunk, which both parts then sort).
        var g = SmallDetector.Geometry(80, 96);
        var mask = new byte[g.PixelCount];
        var rng = new Random(5);
        for (int p = 0; p < mask.Length; p++) mask[p] = (byte)(rng.NextDouble() < 0.9 ? 1 : 0);
        // Blocks of 8 masked pixels scattered over the detector: unbinned blocks between columns.
        for (int block = 3; block < mask.Length / 8; block += 37) mask.AsSpan(block * 8, 8).Clear();
        var map = SmallDetector.Map(g, qBins: 5, phiBins: 2, staticPerDynamic: 2, mask: mask);
        int n = 777;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.02, 41);
        // Two pixels of one column counting above the float limit in total, one pixel just at it.
        for (int t = 0; t < n; t++)
        {
            frames[t * g.PixelCount + 4000] = 7;
            frames[t * g.PixelCount + 4003] = (ushort)(t % 3 == 0 ? 20 : 0);
        }
        for (int t = 0; t < 4096 / 8; t++) frames[t * g.PixelCount + 5000] = 8;
        // A pixel whose lag sums pass 2^24 (odd products, so float sums would round): it must leave the float kernels.
        for (int t = 0; t < n; t++) frames[t * g.PixelCount + 6000] = 1001;
        var dense = EventPathCorrelationTests.Dense(map, frames, n, new MultiTauOptions());
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, n));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, 100));
    }

    [Theory]
    [InlineData(37, 0.3, 1)] // 3 levels: no level 3, 4 or upper rows
    [InlineData(100, 0.05, 2)] // 4 levels
    [InlineData(1000, 0.3, 3)] // partial last bins from level 3 up
    [InlineData(4099, 0.01, 4)] // the benchmark's sparsity, 3 frames past a power of 2
    public void Short_series_bursts_and_partial_bins_give_the_dense_result(int n, double mean, int seed)
    {
        var g = SmallDetector.Geometry(24, 40);
        var map = SmallDetector.Map(g, qBins: 4, phiBins: 3, staticPerDynamic: 2);
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, seed);
        // Bursts: runs of consecutive counting frames, so an event has many partners within one pair window (36
        // frames) and runs cross the first and last 128 frames (the pixel levels' first and last values).
        var rng = new Random(seed);
        for (int b = 0; b < 60; b++)
        {
            int pixel = rng.Next(g.PixelCount), start = rng.Next(-20, n), length = rng.Next(1, 50);
            for (int t = Math.Max(0, start); t < Math.Min(n, start + length); t++) frames[t * g.PixelCount + pixel] = (ushort)rng.Next(1, 4);
        }
        var dense = EventPathCorrelationTests.Dense(map, frames, n, new MultiTauOptions());
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, n));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, Math.Max(1, n / 3)));
    }

    [Fact]
    public void Hot_pixels_among_quiet_ones_and_busy_columns_give_the_dense_result()
    {
        int n = 4099;
        var g = SmallDetector.Geometry(16, 32);
        var map = SmallDetector.Map(g, qBins: 3, phiBins: 2, staticPerDynamic: 2);
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.002, 9);
        var rng = new Random(9);
        // Hot pixels (a count every 3 to 30 frames) in otherwise quiet columns: the pixel kernel takes levels 1 and 2 of
        // such a pixel from its bins too. Columns 40-45 count in most frames: the column-row kernel takes them.
        for (int h = 0; h < 12; h++)
        {
            int pixel = rng.Next(g.PixelCount), step = rng.Next(3, 30);
            for (int t = rng.Next(step); t < n; t += step) frames[t * g.PixelCount + pixel] = (ushort)rng.Next(1, 3);
        }
        for (int p = 40 * 8; p < 46 * 8; p++)
            for (int t = 0; t < n; t++)
                if (rng.NextDouble() < 0.3) frames[t * g.PixelCount + p] = 1;
        var dense = EventPathCorrelationTests.Dense(map, frames, n, new MultiTauOptions());
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, n));
    }
}
