using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The whole-series event path's column-row kernel and in-place reading of the kept batches: a detector large enough
/// for several finalization parts and stretches of chunks, masked blocks between columns, a partial last bin at every
/// level, and pixels whose totals exceed the float limit (4096, left to the per-pixel path) give the dense result bit
/// for bit.
/// </summary>
public class EventColumnRowsTests
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
        // 80 × 96 pixels: 960 columns of 8, so 3 finalization parts and stretches of 512 columns.
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
        var dense = EventPathCorrelationTests.Dense(map, frames, n, new MultiTauOptions());
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, n));
        EventPathCorrelationTests.AssertSameResult(dense, Events(map, frames, n, 100));
    }
}
