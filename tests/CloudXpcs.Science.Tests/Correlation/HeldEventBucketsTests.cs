using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The whole-series event path buckets its events in the dense path's state memory when that is large enough, otherwise
/// in an array of its own: both give the dense result bit for bit.
/// </summary>
public class HeldEventBucketsTests
{
    [Theory]
    [InlineData(0.2, 18000)] // pixel totals within the float limit: the column-row kernel (busy columns)
    [InlineData(2.0, 4000)] // above it: the per-pixel path
    public void More_events_than_the_state_memory_holds_give_the_dense_result(double mean, int n)
    {
        // 16 columns need far less state than the smallest (2 MiB) state block, which holds 262 144 events: these
        // series have more, so the buckets cannot go into the state memory.
        var g = SmallDetector.Geometry(8, 16);
        var map = SmallDetector.Map(g, qBins: 2, phiBins: 2, staticPerDynamic: 2);
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, 41);
        long binnedEvents = 0;
        for (int i = 0; i < frames.Length; i++)
            if (frames[i] != 0 && map.DynamicBinOfPixel[i % g.PixelCount] >= 0) binnedEvents++;
        Assert.True(binnedEvents > 262_144, $"{binnedEvents} binned events");
        var options = new MultiTauOptions { MaxDegreeOfParallelism = 2 };
        var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
        using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
        correlator.AddEvents(PhotonEventBatch.FromDense(frames, g.PixelCount));
        EventPathCorrelationTests.AssertSameResult(dense, correlator.ToResult(0.1));
    }
}
