using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>Compressed chunks decompressed by several threads at once give the g2 of the same frames read from mapped uncompressed chunks, bit for bit.</summary>
public sealed class ParallelDecompressionCorrelationTests
{
    [Fact]
    public void BatchesDecompressedInPartsGiveTheMappedG2()
    {
        using var folder = new TempFolder();
        var results = new List<MultiTauResult>();
        foreach (var (layout, batch) in new[] { (ChunkStorageLayout.Contiguous, 0), (ChunkStorageLayout.Deflate, 0), (ChunkStorageLayout.ShuffleDeflate, 50) })
        {
            string path = Path.Combine(folder.Path, layout.ToString());
            SyntheticSeriesWriter.Write(path, "bt", "series", new HeterodyneSeriesSpec
            {
                Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 256, FrameTimeS = 0.1, SpeedAPerS = 30, Tau0S = 5,
                ContrastBeta = 0.2, HeterodyneFraction = 0.5, MeanCountsPerPixelPerFrame = 0.5, Seed = 7,
            }, chunks: 3, layout: layout);
            var times = new CorrelationStageTimes();
            results.Add(SeriesCorrelation.Correlate(path, new SeriesCorrelationOptions { Threads = 3, BatchFrames = batch, Timings = times }));
            Assert.Equal(layout == ChunkStorageLayout.Contiguous ? 0 : 3, times.ReadThreads);
        }
        foreach (var result in results.Skip(1))
        {
            Assert.Equal(results[0].G2, result.G2);
            Assert.Equal(results[0].G2Err, result.G2Err);
            Assert.Equal(results[0].IntensityVsTime, result.IntensityVsTime);
            Assert.Equal(results[0].Scattering2d, result.Scattering2d);
        }
    }
}
