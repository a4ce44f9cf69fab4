using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>Memory and time bombs are refused from the manifest and the q-map, before anything of their size is allocated.</summary>
public sealed class ResourceBudgetTests
{
    private static readonly QMapSpec MillionStaticBins = new(0.001, 0.05, 100, 100, 100);

    [Fact]
    public void AMillionStaticBinsAreRefusedBeforeCorrelating()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 64, chunks: 2, rows: 6, cols: 5) with { QMap = MillionStaticBins };
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Contiguous);
        string source = Path.Combine(folder.Path, SeriesManifest.FileName);
        var before = GC.GetTotalAllocatedBytes();
        ContractAssert.Throws(source, () => SeriesCorrelation.Correlate(folder.Path, new SeriesCorrelationOptions { Budget = ResourceBudget.Default }),
            "1000000 static", "bin-lags, beyond the budget");
        Assert.True(GC.GetTotalAllocatedBytes() - before < 256L << 20, "refused before allocating the bins");
    }

    [Fact]
    public void ABillionFramesOfOnePixelAreRefusedFromTheManifest()
    {
        var manifest = TestSeries.Manifest(frames: 1 << 30, chunks: 1, rows: 1, cols: 1);
        ContractAssert.Throws("series.json", () => ResourceBudget.Default.Check(manifest, "series.json"), "1073741824 frames exceed the budget");
    }

    [Fact]
    public void MemoryBeyondTheBudgetIsRefusedWithTheEstimate()
    {
        var manifest = TestSeries.Manifest(frames: 4096, chunks: 1, rows: 4096, cols: 4096);
        ContractAssert.Throws("series.json", () => new ResourceBudget(MaxMemoryBytes: 1L << 30).Check(manifest, "series.json"), "MiB, beyond the budget of 1024 MiB");
        new ResourceBudget(MaxMemoryBytes: 64L << 30).Check(manifest, "series.json");
    }

    [Fact]
    public void ARunOptionQMapIsCheckedWithoutASeries()
    {
        ContractAssert.Throws("qmap", () => ResourceBudget.Default.CheckQMap(MillionStaticBins, "qmap"), "beyond the budget");
        ResourceBudget.Default.CheckQMap(new QMapSpec(), "qmap");
    }

    [Fact]
    public void TheContractDefaultsFitEasily()
    {
        var manifest = TestSeries.Manifest(frames: 1 << 16, chunks: 4, rows: 1024, cols: 1024);
        ResourceBudget.Default.Check(manifest, "series.json");
        Assert.InRange(ResourceBudget.EstimateBytes(1 << 16, 1 << 20, new QMapSpec(), 4), 100L << 20, 2L << 30);
    }
}
