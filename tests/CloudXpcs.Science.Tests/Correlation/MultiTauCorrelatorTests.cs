using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Tests.Support;

namespace CloudXpcs.Science.Tests.Correlation;

public class MultiTauCorrelatorTests
{
    private static MultiTauResult Correlate<T>(QMap map, T[] frames, int n, MultiTauOptions? options = null, int[]? batchSizes = null)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        using var correlator = new MultiTauCorrelator(map, n, options);
        int pixels = map.PixelCount, t = 0, i = 0;
        while (t < n)
        {
            int size = batchSizes is null ? n : Math.Min(batchSizes[i++ % batchSizes.Length], n - t);
            correlator.AddFrames<T>(frames.AsSpan(t * pixels, size * pixels));
            t += size;
        }
        return correlator.ToResult(0.1);
    }

    private static (double[] G2, double[] Err, int[] LagFrames) BruteForce(QMap map, ushort[] frames, int n, int d = 4) =>
        MultiTauReference.Compute(map, frames.Select(x => (double)x).ToArray(), n, d);

    private static void AssertSameBits(double[] expected, double[] actual) =>
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));

    private static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(double.IsNaN(actual[i]), $"index {i}: expected NaN, got {actual[i]}"); continue; }
            double scale = Math.Max(Math.Abs(expected[i]), 1e-300);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= relative * scale,
                $"index {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Theory]
    [InlineData(100, 4, 0.7, 1)]
    [InlineData(37, 4, 2.5, 2)]
    [InlineData(257, 4, 0.05, 3)]
    [InlineData(90, 2, 1.0, 4)]
    [InlineData(75, 3, 3.0, 5)]
    [InlineData(64, 1, 1.0, 6)]
    public void Matches_the_brute_force_definition_on_random_series(int n, int d, double mean, int seed)
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, mean, seed);
        var reference = BruteForce(map, frames, n, d);
        var result = Correlate(map, frames, n, new MultiTauOptions { DelaysPerLevel = d });
        Assert.Equal(reference.LagFrames.Select(x => (long)x), result.LagFrames);
        AssertClose(reference.G2, result.G2, 1e-12);
        AssertClose(reference.Err, result.Err(), 1e-9);
    }

    [Fact]
    public void Float_frames_and_large_counts_take_the_double_path_and_still_match()
    {
        var g = SmallDetector.Geometry(9, 17);
        var map = SmallDetector.Map(g);
        int n = 80;
        var rng = new Random(11);
        var floats = Enumerable.Range(0, n * g.PixelCount).Select(_ => (float)(rng.NextDouble() * 5.0)).ToArray();
        var reference = MultiTauReference.Compute(map, floats.Select(x => (double)x).ToArray(), n, 4);
        AssertClose(reference.G2, Correlate(map, floats, n).G2, 1e-12);

        var big = Enumerable.Range(0, n * g.PixelCount).Select(_ => (uint)rng.Next(0, 60000)).ToArray();
        var referenceBig = MultiTauReference.Compute(map, big.Select(x => (double)x).ToArray(), n, 4);
        AssertClose(referenceBig.G2, Correlate(map, big, n).G2, 1e-12);
    }

    [Fact]
    public void Constant_frames_give_g2_of_one_and_zero_error()
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        int n = 200;
        var frames = Enumerable.Repeat((ushort)3, n * g.PixelCount).ToArray();
        var result = Correlate(map, frames, n);
        for (int i = 0; i < result.G2.Length; i++)
        {
            if (map.DynamicPixelCounts[i % result.BinCount] == 0) continue;
            Assert.Equal(1.0, result.G2[i], 12);
            Assert.Equal(0.0, result.G2Err[i], 12);
        }
    }

    [Fact]
    public void Any_split_into_batches_gives_the_same_g2()
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        int n = 301;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.8, 21);
        frames[5 * g.PixelCount + 3] = 3000; // a hot pixel: batches holding it leave the exact-float path
        var whole = Correlate(map, frames, n);
        var reference = BruteForce(map, frames, n);
        AssertClose(reference.G2, whole.G2, 1e-12);
        foreach (var sizes in new[] { new[] { 1 }, new[] { 3 }, new[] { 7, 1, 2 }, new[] { 64 }, new[] { 5, 100, 1, 33 } })
        {
            var split = Correlate(map, frames, n, batchSizes: sizes);
            AssertClose(whole.G2, split.G2, 1e-12);
            AssertClose(whole.G2Err, split.G2Err, 1e-9);
            AssertClose(whole.IntensityVsTime, split.IntensityVsTime, 1e-12);
            AssertClose(whole.Scattering2d, split.Scattering2d, 1e-12);
        }
    }

    [Fact]
    public void Pixel_shards_merge_into_the_unsharded_result()
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        int n = 150;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.3, 5);
        var whole = Correlate(map, frames, n);
        int[] cuts = [0, 13, 50, 51, 200, g.PixelCount];
        CorrelationPartialSums? merged = null;
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            var shard = new MultiTauCorrelator(map, n, new MultiTauOptions { PixelStart = cuts[i], PixelEnd = cuts[i + 1] });
            shard.AddFrames<ushort>(frames);
            var sums = shard.ToPartialSums();
            merged = merged is null ? sums : CorrelationPartialSums.Merge(merged, sums);
        }
        var result = merged!.ToResult(0.1);
        AssertClose(whole.G2, result.G2, 1e-9);
        AssertClose(whole.G2Err, result.G2Err, 1e-9);
        AssertClose(whole.IntensityVsTime, result.IntensityVsTime, 1e-12);
        AssertClose(whole.Scattering2d, result.Scattering2d, 1e-12);
    }

    [Fact]
    public void Counts_that_end_the_float_lanes_partway_up_the_levels_still_match()
    {
        // A count of 200 from the first batch on: level 0 stays in float lanes ((200)²·300 ≤ 2^24), the levels above
        // it pair float values into double lanes.
        var g = SmallDetector.Geometry(16, 40);
        var map = SmallDetector.Map(g);
        int n = 700;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.0, 41);
        for (int t = 0; t < n; t += 37) frames[t * g.PixelCount + 100 + t % 50] = 200;
        var reference = BruteForce(map, frames, n);
        var result = Correlate(map, frames, n, batchSizes: [300, 400]);
        AssertClose(reference.G2, result.G2, 1e-12);
        AssertClose(reference.Err, result.Err(), 1e-9);
    }

    [Fact]
    public void Reused_state_memory_gives_the_same_bits_as_before()
    {
        // State memory goes back to a pool and the next correlator gets it uncleared: each column's state must be
        // zeroed where a level first receives values.
        var g = SmallDetector.Geometry(24, 40);
        var map = SmallDetector.Map(g);
        int n = 300;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.5, 43);
        var first = Correlate(map, frames, n);

        var other = SmallDetector.Geometry(48, 64);
        var otherFrames = SmallDetector.PoissonFrames(900, other.PixelCount, 7.0, 44);
        Correlate(SmallDetector.Map(other), otherFrames, 900, batchSizes: [128]);

        var again = Correlate(map, frames, n, batchSizes: [100, 77]);
        AssertSameBits(first.G2, again.G2);
        AssertSameBits(first.G2Err, again.G2Err);
        var reference = BruteForce(map, frames, n);
        AssertClose(reference.G2, again.G2, 1e-12);
    }

    [Fact]
    public void Thread_count_changes_no_bit_of_the_result()
    {
        // 640 columns of 8 pixels: several work items per batch and two finalization parts.
        var g = SmallDetector.Geometry(64, 80);
        var map = SmallDetector.Map(g);
        int n = 700;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 0.9, 31);
        frames[600 * g.PixelCount + 1000] = 5000; // a hot pixel late in the series: some columns leave the float lanes
        var reference = BruteForce(map, frames, n);
        var one = Correlate(map, frames, n, new MultiTauOptions { MaxDegreeOfParallelism = 1 });
        AssertClose(reference.G2, one.G2, 1e-12);
        foreach (int threads in new[] { 2, 3 })
        {
            var many = Correlate(map, frames, n, new MultiTauOptions { MaxDegreeOfParallelism = threads });
            AssertSameBits(one.G2, many.G2);
            AssertSameBits(one.G2Err, many.G2Err);
            AssertSameBits(one.IntensityVsTime, many.IntensityVsTime);
        }
    }

    [Fact]
    public void Masked_pixels_are_excluded_and_empty_bins_are_NaN()
    {
        var g = SmallDetector.Geometry();
        var mask = Enumerable.Repeat((byte)1, g.PixelCount).ToArray();
        var unmasked = SmallDetector.Map(g, qBins: 3, phiBins: 4);
        // Mask every pixel of dynamic bin 5, and a few scattered pixels.
        for (int p = 0; p < g.PixelCount; p++)
            if (unmasked.DynamicBinOfPixel[p] == 5 || p % 17 == 0) mask[p] = 0;
        var map = SmallDetector.Map(g, qBins: 3, phiBins: 4, mask: mask);
        Assert.Equal(0, map.DynamicPixelCounts[5]);
        int n = 60;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.0, 8);
        for (int p = 0; p < g.PixelCount; p += 17) frames[p] = 5000; // a hot masked pixel must not matter
        var result = Correlate(map, frames, n);
        var reference = BruteForce(map, frames, n);
        AssertClose(reference.G2, result.G2, 1e-12);
        for (int t = 0; t < result.TauCount; t++)
        {
            Assert.True(double.IsNaN(result.G2At(t, 5)));
            Assert.True(double.IsNaN(result.G2ErrAt(t, 5)));
        }
        double expectedFirstFrame = Enumerable.Range(0, g.PixelCount).Where(p => map.DynamicBinOfPixel[p] >= 0)
            .Average(p => (double)frames[p]);
        Assert.Equal(expectedFirstFrame, result.IntensityVsTime[0], 12);
    }

    [Fact]
    public void One_frame_has_no_lags_and_two_frames_have_lag_one()
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        var one = Correlate(map, SmallDetector.PoissonFrames(1, g.PixelCount, 2.0, 1), 1);
        Assert.Equal(0, one.TauCount);
        Assert.Empty(one.G2);
        Assert.Single(one.IntensityVsTime);

        var frames = SmallDetector.PoissonFrames(2, g.PixelCount, 2.0, 2);
        var two = Correlate(map, frames, 2);
        Assert.Equal(new long[] { 1 }, two.LagFrames);
        var reference = BruteForce(map, frames, 2);
        AssertClose(reference.G2, two.G2, 1e-12);
    }

    [Fact]
    public void Mean_image_averages_every_pixel_over_frames()
    {
        var g = SmallDetector.Geometry();
        var map = SmallDetector.Map(g);
        int n = 40;
        var frames = SmallDetector.PoissonFrames(n, g.PixelCount, 1.5, 3);
        var result = Correlate(map, frames, n, batchSizes: [9]);
        for (int p = 0; p < g.PixelCount; p++)
        {
            double expected = Enumerable.Range(0, n).Average(t => (double)frames[t * g.PixelCount + p]);
            Assert.Equal(expected, result.Scattering2d[p], 12);
        }
    }

    [Fact]
    public void Lag_ladder_for_100000_frames_follows_the_contract_rule()
    {
        const long n = 100_000;
        var lags = MultiTauLadder.Create(n, 4);
        var expected = new List<long>();
        for (long k = 1; k <= 8; k++) expected.Add(k);
        for (int l = 1; (n >> l) - 5 >= 1; l++)
            for (long k = 5; k <= 8 && (n >> l) - k >= 1; k++) expected.Add(k << l);
        Assert.Equal(expected, lags.Select(x => x.LagFrames));
        // Levels 1..13 are complete (100000 >> 13 = 12 ≥ 8 + 1); level 14 has M = 6, so only k = 5 fits.
        Assert.Equal(8 + 4 * 13 + 1, lags.Count);
        Assert.True(lags.Zip(lags.Skip(1)).All(p => p.Second.LagFrames > p.First.LagFrames));
        Assert.Equal(5L << 14, lags[^1].LagFrames);
    }
}

internal static class ResultExtensions
{
    public static double[] Err(this MultiTauResult r) => r.G2Err;
}
