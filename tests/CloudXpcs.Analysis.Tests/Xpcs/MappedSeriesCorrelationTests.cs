using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>
/// The same frames correlated from memory-mapped uncompressed chunks and through the HDF5 library (compressed chunks)
/// give the same g2 bit for bit, multi-tau and two-time, with and without a pool of state memory; the stage times say
/// which path read the frames.
/// </summary>
public sealed class MappedSeriesCorrelationTests
{
    private static string Series(TempFolder folder, ChunkStorageLayout layout)
    {
        string path = Path.Combine(folder.Path, layout.ToString());
        SyntheticSeriesWriter.Write(path, "bt", "series", new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = 384, FrameTimeS = 0.1, SpeedAPerS = 30, Tau0S = 5,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, MeanCountsPerPixelPerFrame = 0.5, Seed = 5,
        }, chunks: 3, layout: layout);
        return path;
    }

    [Fact]
    public void MappedAndReadFramesGiveTheSameG2()
    {
        using var folder = new TempFolder();
        using var pool = new CorrelatorStatePool();
        var results = new List<(MultiTauResult MultiTau, TwoTimeResult? TwoTime)>();
        foreach (var (layout, statePool, batch) in new[] { (ChunkStorageLayout.Contiguous, pool, 0), (ChunkStorageLayout.Contiguous, pool, 100),
                     (ChunkStorageLayout.Contiguous, (CorrelatorStatePool?)null, 0), (ChunkStorageLayout.Deflate, pool, 0) })
        {
            var times = new CorrelationStageTimes();
            var options = new SeriesCorrelationOptions
            {
                StatePool = statePool, BatchFrames = batch, Timings = times, TwoTime = new TwoTimeOptions { Bins = [26, 44] },
            };
            results.Add(SeriesCorrelation.CorrelateWithTwoTime(Series(folder, layout), options));
            Assert.Equal(layout == ChunkStorageLayout.Contiguous ? 3 : 0, times.MappedChunks);
            Assert.Equal(layout == ChunkStorageLayout.Contiguous ? 0 : 3, times.ReadChunks);
            Assert.Equal(layout == ChunkStorageLayout.Deflate, times.DecompressS > 0);
            Assert.True(times.CorrelateS > 0 && times.FinaliseS > 0);
        }
        var (expected, expectedTwoTime) = results[^1];
        foreach (var (multiTau, twoTime) in results)
        {
            Assert.Equal(expected.G2, multiTau.G2);
            Assert.Equal(expected.G2Err, multiTau.G2Err);
            Assert.Equal(expected.IntensityVsTime, multiTau.IntensityVsTime);
            Assert.Equal(expected.Scattering2d, multiTau.Scattering2d);
            for (int k = 0; k < 2; k++) Assert.Equal(expectedTwoTime!.Maps[k].C2, twoTime!.Maps[k].C2);
        }
    }

    [Fact]
    public void The_whole_series_path_gives_the_streamed_g2()
    {
        using var folder = new TempFolder();
        using var pool = new CorrelatorStatePool();
        string contiguous = Series(folder, ChunkStorageLayout.Contiguous), deflate = Series(folder, ChunkStorageLayout.Deflate);
        var results = new List<MultiTauResult>();
        foreach (var (path, statePool, whole, batch) in new[] { (contiguous, pool, true, 0), (contiguous, (CorrelatorStatePool?)null, true, 0),
                     (contiguous, pool, false, 0), (contiguous, pool, true, 100), (deflate, pool, true, 0) })
        {
            var times = new CorrelationStageTimes();
            results.Add(SeriesCorrelation.Correlate(path, new SeriesCorrelationOptions
            {
                StatePool = statePool, BatchFrames = batch, Timings = times, WholeSeriesWhenMapped = whole,
            }));
            Assert.Equal(path == contiguous && whole && batch == 0, times.WholeSeries);
            Assert.Equal(path == contiguous ? 3 : 0, times.MappedChunks);
        }
        foreach (var result in results)
        {
            Assert.Equal(results[^1].G2, result.G2);
            Assert.Equal(results[^1].G2Err, result.G2Err);
            Assert.Equal(results[^1].IntensityVsTime, result.IntensityVsTime);
            Assert.Equal(results[^1].Scattering2d, result.Scattering2d);
        }
    }
}
