using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Science.Tests.Correlation;

/// <summary>
/// The float32 frame cache of uint16 counts gives exactly the maps of the float64 cache (every cached sum is an
/// integer below 2²⁴), so the brute-force agreement of <see cref="TwoTimeCorrelatorTests"/> carries over; its cost is stated.
/// </summary>
public sealed class TwoTimeCacheTests
{
    [Theory]
    [InlineData(1, 1, 37)]   // N = 37: padded products (work buffer)
    [InlineData(2, 3, 48)]   // N = 8: products straight into the map
    [InlineData(1, 256, 512)] // the largest average the float32 cache takes for 16-bit counts
    public void SingleCacheMapsEqualTheDoubleCacheMapsBitForBit(int stride, int avg, int rawFrames)
    {
        var map = QMap.Build(ReducedDetector.ContractExampleBinned(16), new QMapSpec(QBins: 2, PhiBins: 3, StaticPerDynamic: 2), 0.0);
        var rng = new Random(stride + avg);
        var frames = new ushort[rawFrames * map.PixelCount];
        // Counts up to the top of uint16: sums of up to 256 of them reach 2^24 - 256.
        for (int i = 0; i < frames.Length; i++) frames[i] = (ushort)(rng.Next(2) == 0 ? rng.Next(0, 7) : 65535 - rng.Next(0, 1000));
        var options = new TwoTimeOptions { StrideFrames = stride, AverageFrames = avg };
        var single = new TwoTimeCorrelator(map, rawFrames, options, rawValueBits: 16);
        var dual = new TwoTimeCorrelator(map, rawFrames, options);
        Assert.Equal(4, single.Cost().CacheBytes / ((long)single.Frames * single.Cost().Pixels));
        Assert.Equal(8, dual.Cost().CacheBytes / ((long)dual.Frames * dual.Cost().Pixels));
        single.AddFrames<ushort>(frames);
        dual.AddFrames<ushort>(frames);
        var a = single.ComputeBins().ToList();
        var b = dual.ComputeBins().ToList();
        Assert.Equal(b.Count, a.Count);
        for (int k = 0; k < a.Count; k++)
        {
            Assert.Equal(b[k].C2, a[k].C2);
            Assert.Equal(b[k].G2, a[k].G2);
            Assert.Equal(b[k].G2Segments, a[k].G2Segments);
        }
    }

    [Fact]
    public void TheCacheIsSingleOnlyWhereEverySumIsExact()
    {
        Assert.True(TwoTimeCorrelator.CacheIsSingle(16, 256));
        Assert.False(TwoTimeCorrelator.CacheIsSingle(16, 257));
        Assert.True(TwoTimeCorrelator.CacheIsSingle(8, 65_000));
        Assert.False(TwoTimeCorrelator.CacheIsSingle(0, 1));
        Assert.False(TwoTimeCorrelator.CacheIsSingle(32, 1));
        var map = QMap.Build(ReducedDetector.ContractExampleBinned(16), new QMapSpec(QBins: 2, PhiBins: 3, StaticPerDynamic: 2), 0.0);
        var single = new TwoTimeCorrelator(map, 8, rawValueBits: 16);
        Assert.Throws<ArgumentException>(() => single.AddFrames<float>(new float[map.PixelCount]));
        Assert.Throws<ArgumentException>(() => single.AddFrames<uint>(new uint[map.PixelCount]));
    }

    [Fact]
    public void TheCostStatesEveryPartThatGrowsWithTheSeriesAndATime()
    {
        var cost = TwoTimeCost.Of(4098, [1000, 3001], threads: 2, cacheBytesPerValue: 4, multiTauBytes: 123);
        Assert.Equal(4098L * 4001 * 4, cost.CacheBytes);
        Assert.Equal(2 * 4098L * 4098 * 8 + 4098L * 4098 * 4, cost.MapBytes);
        // X of the largest bin (4100 x 3004 padded) and the padded products (4100²).
        Assert.Equal(4100L * 3004 * 8 + 4100L * 4100 * 8, cost.WorkBytes);
        Assert.Equal(cost.CacheBytes + cost.MapBytes + cost.WorkBytes + 123, cost.TotalBytes);
        Assert.Equal(cost.MultiplyAdds / (2 * TwoTimeCost.MultiplyAddsPerSecondPerCore), cost.EstimatedSeconds, 12);
        Assert.Equal(0, TwoTimeCost.Of(4096, [1000]).WorkBytes - 4096L * 1000 * 8);
    }
}
