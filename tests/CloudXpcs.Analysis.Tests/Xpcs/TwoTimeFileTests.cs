using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation.TwoTime;
using CloudXpcs.Science.Synthetic;

namespace CloudXpcs.Analysis.Tests.Xpcs;

/// <summary>
/// correlate with two-time: g2.h5 holds /xpcs/twotime in the viewer's layout beside multi-tau, read back as written;
/// the maps' diagonal g2 agrees with the multi-tau g2 within its errors; a two-time beyond the budget is refused first.
/// </summary>
public sealed class TwoTimeFileTests
{
    private static string Series(TempFolder folder, int frames = 512)
    {
        string path = Path.Combine(folder.Path, "series");
        SyntheticSeriesWriter.Write(path, "bt", "series", new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(8), Frames = frames, FrameTimeS = 0.1, SpeedAPerS = 30, Tau0S = 5,
            ContrastBeta = 0.2, HeterodyneFraction = 0.5, MeanCountsPerPixelPerFrame = 0.5, Seed = 3,
        }, chunks: 2);
        return path;
    }

    [Fact]
    public void TwoTimeIsWrittenBesideMultiTauAndReadBack()
    {
        using var folder = new TempFolder();
        string series = Series(folder);
        var options = new SeriesCorrelationOptions { TwoTime = new TwoTimeOptions { Bins = [44, 45, 26], AverageFrames = 2 } };
        var (multiTau, twoTime) = SeriesCorrelation.CorrelateWithTwoTime(series, options);
        Assert.NotNull(twoTime);
        string g2Path = Path.Combine(folder.Path, "g2.h5");
        G2FileWriter.Write(g2Path, multiTau, twoTime: twoTime);

        var file = G2TwoTimeFile.Read(g2Path)!;
        Assert.Equal(256, file.Frames);
        Assert.Equal(2, file.AverageFrames);
        Assert.Equal(1, file.StrideFrames);
        var columnBins = G2QMapLayout.Of(multiTau.QMap).ColumnBins;
        Assert.Equal(new[] { 26, 44, 45 }.Select(b => Array.IndexOf(columnBins, b) + 1).ToArray(), file.ProcessedColumns);
        for (int k = 0; k < 3; k++)
        {
            var map = G2TwoTimeFile.ReadMap(g2Path, k);
            var written = twoTime.Maps[k];
            for (long i = 0; i < map.Length; i++) Assert.Equal((float)written.C2[i], (float)map[i]);
            for (int d = 0; d < file.Frames; d++) Assert.Equal((float)written.G2[d], (float)file.G2[d * 3 + k]);
        }
    }

    [Fact]
    public void TheDiagonalG2AgreesWithMultiTauWithinErrors()
    {
        using var folder = new TempFolder();
        string series = Series(folder, frames: 1024);
        var (multiTau, twoTime) = SeriesCorrelation.CorrelateWithTwoTime(series,
            new SeriesCorrelationOptions { TwoTime = new TwoTimeOptions { Bins = [26, 27, 44, 45, 62, 63] } });
        int compared = 0, outside = 0;
        foreach (var m in twoTime!.Maps)
            for (int t = 0; t < multiTau.TauCount; t++)
            {
                long lag = multiTau.LagFrames[t];
                if (multiTau.Lags[t].Level > 0 || lag >= m.Frames) continue; // level 0: lags not averaged over frames
                double mt = multiTau.G2[t * multiTau.BinCount + m.Bin], err = multiTau.G2Err[t * multiTau.BinCount + m.Bin];
                compared++;
                if (Math.Abs(m.G2[lag] - mt) > 3 * err) outside++;
            }
        Assert.True(compared >= 40, $"{compared} points compared");
        Assert.True(outside <= compared / 20, $"{outside} of {compared} level-0 lags differ by more than 3 errors");
    }

    [Fact]
    public void ATwoTimeBeyondTheBudgetIsRefusedBeforeReadingFrames()
    {
        using var folder = new TempFolder();
        string series = Series(folder, frames: 256);
        var options = new SeriesCorrelationOptions { TwoTime = new TwoTimeOptions(), Budget = new ResourceBudget(MaxMemoryBytes: 8L << 20) };
        ContractAssert.Throws(Path.Combine(series, SeriesManifest.FileName), () => SeriesCorrelation.Correlate(series, options),
            "two-time of 256 correlator frames", "beyond the budget of 8 MiB");
        var badBin = new SeriesCorrelationOptions { TwoTime = new TwoTimeOptions { Bins = [100_000] } };
        ContractAssert.Throws(Path.Combine(series, SeriesManifest.FileName), () => SeriesCorrelation.Correlate(series, badBin), "two-time bin 100000");
    }
}
