using System.Numerics;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// Every frame in memory at once (memory-mapped chunks): column blocks correlated through all frames and finalized
/// block by block give the streaming path's result bit for bit, whatever the chunking, counts (float or double
/// levels), pixel type, mask, shard, delays per level or finalization parts.
/// </summary>
public class WholeSeriesDensePathTests
{
    private static MultiTauResult Streamed<T>(QMap map, T[] frames, int n, MultiTauOptions options) where T : unmanaged, INumberBase<T>
    {
        using var correlator = new MultiTauCorrelator(map, n, options with { EventPathForSparseFrames = false });
        int pixels = map.PixelCount;
        for (int t = 0; t < n; t += 300) correlator.AddFrames<T>(frames.AsSpan(t * pixels, Math.Min(300, n - t) * pixels));
        return correlator.ToResult(0.1);
    }

    private static MultiTauResult Whole<T>(QMap map, T[] frames, int n, MultiTauOptions options, int[] chunkFrames) where T : unmanaged, INumberBase<T>
    {
        using var correlator = new MultiTauCorrelator(map, n, options);
        long reported = 0;
        Assert.True(CorrelateWhole(correlator, map.PixelCount, frames, chunkFrames, new SynchronousProgress(v => reported = Math.Max(reported, v))));
        Assert.Equal(n, reported);
        Assert.Equal(n, correlator.FramesSeen);
        return correlator.ToResult(0.1);
    }

    /// <summary>The frames (pinned) as blocks of the given frame counts through CorrelateWholeSeries.</summary>
    private static unsafe bool CorrelateWhole<T>(MultiTauCorrelator correlator, int pixels, T[] frames, int[] chunkFrames, IProgress<long>? progress = null)
        where T : unmanaged, INumberBase<T>
    {
        Assert.Equal(frames.Length, (long)chunkFrames.Sum() * pixels);
        fixed (T* first = frames)
        {
            var blocks = new List<FrameBlockAddress>();
            nint address = (nint)first;
            foreach (int f in chunkFrames)
            {
                blocks.Add(new FrameBlockAddress(address, f));
                address += (nint)f * pixels * sizeof(T);
            }
            return correlator.CorrelateWholeSeries<T>(blocks, progress);
        }
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value)
        {
            lock (this) report(value);
        }
    }

    [Theory]
    [InlineData(1.0, 4, 1)]
    [InlineData(0.02, 4, 2)]
    [InlineData(3000.0, 4, 3)]
    [InlineData(1.0, 3, 4)]
    [InlineData(0.5, 1, 5)]
    public void Whole_series_gives_the_streaming_result_bit_for_bit(double mean, int d, int seed)
    {
        // 64 x 72 pixels: 576 columns, two finalization parts whose boundary is not on a block boundary.
        var g = SmallDetector.Geometry(64, 72);
        var mask = new byte[g.PixelCount];
        var rng = new Random(seed);
        for (int p = 0; p < mask.Length; p++) mask[p] = (byte)(rng.NextDouble() < 0.9 ? 1 : 0);
        for (int p = 800; p < 960; p++) mask[p] = 0; // whole columns without a binned pixel
        var map = SmallDetector.Map(g, qBins: 4, phiBins: 3, staticPerDynamic: 3, mask: mask);
        int n = 1777;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, Math.Min(mean, 50), seed);
        if (mean > 50)
            for (int i = 0; i < frames.Length; i += 7) frames[i] = (ushort)(frames[i] * 1000 % 65536);
        foreach (var options in new[]
                 {
                     new MultiTauOptions { DelaysPerLevel = d, MaxDegreeOfParallelism = 2 },
                     new MultiTauOptions { DelaysPerLevel = d, MaxDegreeOfParallelism = 3, PixelStart = 101, PixelEnd = 4003 },
                 })
        {
            var streamed = Streamed(map, frames, n, options);
            EventPathCorrelationTests.AssertSameResult(streamed, Whole(map, frames, n, options, [n]));
            EventPathCorrelationTests.AssertSameResult(streamed, Whole(map, frames, n, options, [700, 64, 1010, 3]));
        }
    }

    [Fact]
    public void Photon_starved_frames_keep_the_automatic_choice_of_the_event_path()
    {
        var g = SmallDetector.Geometry(32, 40);
        var map = SmallDetector.Map(g);
        int n = 1200;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.001, 12);
        var options = new MultiTauOptions { MaxDegreeOfParallelism = 2 };
        using var correlator = new MultiTauCorrelator(map, n, options);
        Assert.False(CorrelateWhole(correlator, g.PixelCount, frames, [n]));
        Assert.Equal(n, correlator.FramesOnEventPath);
        EventPathCorrelationTests.AssertSameResult(Streamed(map, frames, n, options), correlator.ToResult(0.1));
    }

    [Fact]
    public void A_progress_callback_that_cancels_ends_the_correlation_with_its_cancellation()
    {
        var g = SmallDetector.Geometry(64, 72);
        var map = SmallDetector.Map(g);
        int n = 600;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.0, 4);
        using var correlator = new MultiTauCorrelator(map, n, new MultiTauOptions { MaxDegreeOfParallelism = 2 });
        var reports = new List<long>();
        var cancelAfterThree = new SynchronousProgress(v =>
        {
            reports.Add(v);
            if (reports.Count == 3) throw new OperationCanceledException();
        });
        Assert.Throws<OperationCanceledException>(() => CorrelateWhole(correlator, g.PixelCount, frames, [n], cancelAfterThree));
        Assert.True(reports.Count >= 3);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public void State_memory_the_path_never_touched_is_not_kept_in_the_pool_but_touched_memory_is()
    {
        var g = SmallDetector.Geometry(13, 21);
        var map = SmallDetector.Map(g);
        int n = 300;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.0, 2);
        using var pool = new CorrelatorStatePool();
        var options = new MultiTauOptions { StatePool = pool };
        using (var fresh = new MultiTauCorrelator(map, n, options)) CorrelateWhole(fresh, g.PixelCount, frames, [n]);
        pool.Rent(1, out bool touched).Dispose();
        Assert.False(touched);
        using (var streamed = new MultiTauCorrelator(map, n, options))
        {
            streamed.AddFrames<ushort>(frames);
            streamed.ToPartialSums();
        }
        using (var whole = new MultiTauCorrelator(map, n, options)) CorrelateWhole(whole, g.PixelCount, frames, [n]);
        pool.Rent(1, out touched).Dispose();
        Assert.True(touched);
    }

    [Fact]
    public void Thirty_two_bit_counts_and_a_detector_of_odd_width_give_the_streaming_result()
    {
        var g = SmallDetector.Geometry(13, 21);
        var map = SmallDetector.Map(g);
        int n = 1100;
        var counts = SmallDetector.PoissonFrames(n, g.PixelCount, 2.0, 9);
        var frames = counts.Select((c, i) => i % 11 == 0 ? (uint)c * 70_000u : c).ToArray();
        var options = new MultiTauOptions { MaxDegreeOfParallelism = 2 };
        EventPathCorrelationTests.AssertSameResult(Streamed(map, frames, n, options), Whole(map, frames, n, options, [512, 588]));
    }

    [Fact]
    public void A_correlator_that_took_frames_or_blocks_of_the_wrong_length_are_refused()
    {
        var g = SmallDetector.Geometry(4, 8);
        var map = SmallDetector.Map(g, qBins: 1, phiBins: 1, staticPerDynamic: 1);
        var frames = SmallDetector.PoissonFrames(10, g.PixelCount, 1.0, 1);
        using var started = new MultiTauCorrelator(map, 10);
        started.AddFrames<ushort>(frames.AsSpan(0, g.PixelCount));
        Assert.Throws<InvalidOperationException>(() => started.CorrelateWholeSeries<ushort>([new FrameBlockAddress(1, 10)]));
        using var fresh = new MultiTauCorrelator(map, 10);
        Assert.Throws<ArgumentException>(() => fresh.CorrelateWholeSeries<ushort>([new FrameBlockAddress(1, 9)]));
    }
}
