using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// Event batches in which many pixels count go through the dense kernels once the whole-series event path has ended
/// (with the automatic choice on); sparse event batches keep the event path. Either way the dense result bit for bit.
/// </summary>
public class DenseEventBatchesTests
{
    [Fact]
    public void Busy_event_batches_after_a_dense_batch_take_the_dense_kernels_with_the_same_result()
    {
        var g = SmallDetector.Geometry(16, 24);
        var mask = new byte[g.PixelCount];
        var rng = new Random(5);
        for (int p = 0; p < mask.Length; p++) mask[p] = (byte)(rng.NextDouble() < 0.85 ? 1 : 0);
        for (int p = 0; p < 16; p++) mask[p] = 0; // whole columns of 8 pixels without binned pixels
        var map = SmallDetector.Map(g, qBins: 3, phiBins: 2, staticPerDynamic: 2, mask: mask);
        int pixels = g.PixelCount, busyFrames = 700, n = 1101;
        // Mean 1 (63 % of pixel-frames count) and then mean 0.004 (0.4 %).
        var frames = SmallDetector.PoissonFrames(busyFrames, pixels, 1.0, 51)
            .Concat(SmallDetector.PoissonFrames(n - busyFrames, pixels, 0.004, 52)).ToArray();
        foreach (var options in new[] { new MultiTauOptions { MaxDegreeOfParallelism = 2 }, new MultiTauOptions { PixelStart = 61, PixelEnd = 300 } })
        {
            var dense = EventPathCorrelationTests.Dense(map, frames, n, options);
            using var correlator = new MultiTauCorrelator(map, n, options);
            // A dense batch first ends the whole-series event path; then batches of 97 events frames (the last one partial).
            correlator.AddFrames<ushort>(frames.AsSpan(0, 100 * pixels));
            for (int t = 100; t < n; t += 97)
                correlator.AddEvents(PhotonEventBatch.FromDense(frames.AsSpan(t * pixels, Math.Min(97, n - t) * pixels), pixels));
            // Only the batches wholly after the busy frames stay on the event path.
            int eventFrames = 0;
            for (int t = 100; t < n; t += 97)
                if (t >= busyFrames) eventFrames += Math.Min(97, n - t);
            Assert.Equal(eventFrames, correlator.FramesOnEventPath);
            EventPathCorrelationTests.AssertSameResult(dense, correlator.ToResult(0.1));
        }
    }
}
