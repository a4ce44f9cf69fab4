using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The whole-series event path reuses its finalization scratch across series: series of other frame counts, shapes and
/// occupancies in between leave no trace in the next one's g2.
/// </summary>
public class EventScratchReuseTests
{
    [Fact]
    public void Series_after_series_of_other_shapes_give_the_dense_result_bit_for_bit()
    {
        var g = SmallDetector.Geometry(16, 24);
        var map = SmallDetector.Map(g);
        var options = new MultiTauOptions { MaxDegreeOfParallelism = 2 };
        foreach (var (n, mean, seed) in new[] { (1023, 0.01, 1), (2048, 0.003, 2), (1023, 0.05, 3), (777, 0.01, 4), (1023, 0.01, 1) })
        {
            var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, seed);
            var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
            using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
            correlator.AddEvents(PhotonEventBatch.FromDense(frames, g.PixelCount));
            Assert.Equal(n, correlator.FramesOnEventPath);
            EventPathCorrelationTests.AssertSameResult(dense, correlator.ToResult(0.1));
        }
    }
}
