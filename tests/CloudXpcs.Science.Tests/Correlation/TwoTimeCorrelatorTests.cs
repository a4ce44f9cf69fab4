using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>The two-time correlator against a brute-force evaluation of the definition, with frame averaging, striding and a bin subset.</summary>
public sealed class TwoTimeCorrelatorTests
{
    private static (QMap Map, ushort[] Frames, int Raw) Series(int rawFrames, int seed)
    {
        var geometry = ReducedDetector.ContractExampleBinned(16);
        var map = QMap.Build(geometry, new QMapSpec(QBins: 3, PhiBins: 4, StaticPerDynamic: 3), 0.0);
        var rng = new Random(seed);
        var frames = new ushort[rawFrames * map.PixelCount];
        for (int i = 0; i < frames.Length; i++) frames[i] = (ushort)(rng.Next(0, 6) * rng.Next(0, 3));
        return (map, frames, rawFrames);
    }

    /// <summary>C(t1, t2) by loops over the definition (TwoTimeCorrelator's summary), with frames selected as boost_corr does.</summary>
    private static double[,] BruteForce(QMap map, ushort[] raw, int rawFrames, int bin, int stride, int avg)
    {
        int n = rawFrames / (stride * avg), pixels = map.PixelCount;
        var inBin = Enumerable.Range(0, pixels).Where(p => map.DynamicBinOfPixel[p] == bin).ToArray();
        double Intensity(int t, int p)
        {
            double s = 0;
            for (int j = 0; j < avg; j++) s += raw[(long)((t * avg + j) * stride) * pixels + p];
            return s / avg;
        }
        var staticMean = new Dictionary<int, double>();
        foreach (var group in inBin.GroupBy(p => map.StaticBinOfPixel[p]))
        {
            double sum = 0;
            foreach (int p in group) for (int t = 0; t < n; t++) sum += Intensity(t, p);
            staticMean[group.Key] = sum / (n * group.Count());
        }
        double X(int t, int p) { double s = staticMean[map.StaticBinOfPixel[p]]; return Intensity(t, p) / (s > 0 ? s : 1.0); }
        var rowSum = new double[n];
        for (int t = 0; t < n; t++) { rowSum[t] = inBin.Sum(p => X(t, p)); if (rowSum[t] <= 0) rowSum[t] = 1; }
        var c2 = new double[n, n];
        for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
        {
            double s = 0;
            foreach (int p in inBin) s += X(a, p) * X(b, p);
            c2[a, b] = s * inBin.Length / (rowSum[a] * rowSum[b]);
        }
        return c2;
    }

    [Theory]
    [InlineData(1, 1, 30)]
    [InlineData(2, 3, 65)]
    [InlineData(3, 1, 40)]
    public void MapsEqualTheBruteForceDefinition(int stride, int avg, int rawFrames)
    {
        var (map, frames, raw) = Series(rawFrames, seed: stride * 10 + avg);
        var populated = Enumerable.Range(0, map.DynamicBinCount).Where(b => map.DynamicPixelCounts[b] > 0).ToArray();
        int[] subset = [populated[^1], populated[0], populated[populated.Length / 2]];
        var correlator = new TwoTimeCorrelator(map, raw, new TwoTimeOptions { StrideFrames = stride, AverageFrames = avg, Bins = subset, Segments = 3 });
        // Frames in uneven batches: the frame selection must not depend on the batching.
        int pixels = map.PixelCount;
        for (int first = 0; first < raw;)
        {
            int count = Math.Min(7, raw - first);
            correlator.AddFrames<ushort>(frames.AsSpan(first * pixels, count * pixels));
            first += count;
        }
        Assert.Equal(subset.Order().ToArray(), correlator.Bins);
        int n = raw / (stride * avg);
        Assert.Equal(n, correlator.Frames);
        foreach (var m in correlator.ComputeBins())
        {
            var reference = BruteForce(map, frames, raw, m.Bin, stride, avg);
            for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                Assert.True(Math.Abs(m.At(a, b) - reference[a, b]) <= 1e-12 * Math.Max(1, Math.Abs(reference[a, b])),
                    $"bin {m.Bin} C({a},{b}) = {m.At(a, b):R}, reference {reference[a, b]:R}");
            for (int d = 0; d < n; d++)
            {
                double diagonal = Enumerable.Range(0, n - d).Average(t => reference[t, t + d]);
                Assert.Equal(diagonal, m.G2[d], 12);
            }
            int length = n / 3;
            for (int s = 0; s < 3; s++)
                for (int d = 0; d < length; d++)
                {
                    double segment = Enumerable.Range(s * length, length - d).Average(t => reference[t, t + d]);
                    Assert.Equal(segment, m.G2Segments[s * length + d], 12);
                }
        }
    }

    [Fact]
    public void CostIsStatedFromTheSeriesSize()
    {
        var cost = TwoTimeCost.Of(4096, [262_144]);
        Assert.Equal(4096L * 262_144 * 8, cost.CacheBytes);
        Assert.Equal(4096L * 4096 * (4 + 8), cost.MapBytes);
    }

    [Fact]
    public void RefusesBinsOutsideTheMapAndTooFewFrames()
    {
        var (map, _, _) = Series(4, 1);
        Assert.Throws<ArgumentException>(() => new TwoTimeCorrelator(map, 100, new TwoTimeOptions { Bins = [map.DynamicBinCount] }));
        Assert.Throws<ArgumentException>(() => new TwoTimeCorrelator(map, 3, new TwoTimeOptions { StrideFrames = 2 }));
    }
}

/// <summary>Two-time of disjoint bin groups (the fan-out over bin groups) merges into exactly the all-bins result.</summary>
public sealed class TwoTimeMergeTests
{
    [Fact]
    public void BinGroupsMergeExactly()
    {
        var geometry = ReducedDetector.ContractExampleBinned(16);
        var map = QMap.Build(geometry, new QMapSpec(QBins: 3, PhiBins: 4, StaticPerDynamic: 2), 0.0);
        var rng = new Random(5);
        var frames = new ushort[24 * map.PixelCount];
        for (int i = 0; i < frames.Length; i++) frames[i] = (ushort)rng.Next(0, 4);
        TwoTimeResult Run(IReadOnlyList<int>? bins)
        {
            var c = new TwoTimeCorrelator(map, 24, new TwoTimeOptions { Bins = bins });
            c.AddFrames<ushort>(frames);
            return TwoTimeResult.Of(c, 0.1);
        }
        var all = Run(null);
        var bins = all.Maps.Select(m => m.Bin).ToArray();
        var merged = TwoTimeResult.Merge([Run(bins.Where((_, i) => i % 2 == 1).ToArray()), Run(bins.Where((_, i) => i % 2 == 0).ToArray())]);
        Assert.Equal(bins, merged.Maps.Select(m => m.Bin));
        for (int k = 0; k < bins.Length; k++)
        {
            Assert.Equal(all.Maps[k].C2, merged.Maps[k].C2);
            Assert.Equal(all.Maps[k].G2, merged.Maps[k].G2);
        }
        Assert.Throws<ArgumentException>(() => TwoTimeResult.Merge([all, all]));
    }
}
