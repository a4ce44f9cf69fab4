using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;
using PureHDF;

namespace CloudXpcs.Data.Tests.Hdf5;

public class G2FileTests
{
    /// <summary>
    /// A hand-made result on an 8 × 10 detector: 3 q bins × 4 χ bins, of which the top q bin lies beyond the
    /// detector's largest q (about 3.7e-4 Å⁻¹), so its 4 bins have no pixels and hold NaN.
    /// </summary>
    internal static MultiTauResult HandMadeResult()
    {
        var geometry = new DetectorGeometry(8, 10, 75e-6, 8.0, 3.5, 4.5, 10.9);
        var mask = Enumerable.Range(0, 80).Select(p => (byte)(p == 0 || p == 79 ? 0 : 1)).ToArray();
        var qmap = QMap.Build(geometry, new QMapSpec(QMinInvA: 0.0, QMaxInvA: 6e-4, QBins: 3, PhiBins: 4, StaticPerDynamic: 2), flowAxisDeg: 15.0, mask);
        const long frames = 40;
        var lags = MultiTauLadder.Create(frames, 2);
        int nBins = qmap.DynamicBinCount;
        var g2 = new double[lags.Count * nBins];
        var g2Err = new double[lags.Count * nBins];
        for (int t = 0; t < lags.Count; t++)
        {
            for (int b = 0; b < nBins; b++)
            {
                bool empty = qmap.DynamicPixelCounts[b] == 0;
                g2[t * nBins + b] = empty ? double.NaN : 1.0 + 0.1 * Math.Exp(-lags[t].LagFrames / 5.0) + b * 1e-3;
                g2Err[t * nBins + b] = empty ? double.NaN : 0.01 * (t + 1) / 3.0;
            }
        }
        return new MultiTauResult
        {
            QMap = qmap,
            FrameTimeS = 0.2,
            Frames = frames,
            Lags = lags,
            G2 = g2,
            G2Err = g2Err,
            Scattering2d = Enumerable.Range(0, 80).Select(p => p * 0.5 + 1.0 / 3.0).ToArray(),
            IntensityVsTime = Enumerable.Range(0, (int)frames).Select(f => 10.0 + Math.Sin(f)).ToArray(),
        };
    }

    private static int[] BinPlusOne(int[] bins) => bins.Select(b => b + 1).ToArray();

    [Fact]
    public void TheHandMadeResultHasEmptyBins()
    {
        var result = HandMadeResult();
        Assert.Contains(0, result.QMap.DynamicPixelCounts);
        Assert.Contains(result.QMap.DynamicPixelCounts, c => c > 0);
    }

    [Fact]
    public void WrittenG2ReadsBackInCSharp()
    {
        using var folder = new TempFolder();
        var result = HandMadeResult();
        string path = folder.File(G2Paths.FileName);
        G2FileWriter.Write(path, result);
        Assert.Equal([G2Paths.FileName], Directory.GetFiles(folder.Path).Select(Path.GetFileName));

        var g2 = G2File.Read(path);
        Assert.Equal(8, g2.Rows);
        Assert.Equal(10, g2.Cols);
        Assert.Equal(0.2, g2.FrameTimeS);
        Assert.Equal(result.DelaysS, g2.DelaysS);
        Assert.Equal(result.LagFrames, g2.LagFrames);
        Assert.Equal(result.G2, g2.G2);          // NaN equals NaN in Assert.Equal for doubles
        Assert.Equal(result.G2Err, g2.G2Err);
        Assert.Equal(result.QMap.QCentersInvA, g2.QCentersInvA);
        Assert.Equal(result.QMap.ChiCentersDeg, g2.ChiCentersDeg);
        Assert.Equal(result.QMap.DynamicPixelCounts, g2.DynamicPixelCounts);
        Assert.Equal(BinPlusOne(result.QMap.DynamicBinOfPixel), g2.DynamicRoiMap);
        Assert.Equal(BinPlusOne(result.QMap.StaticBinOfPixel), g2.StaticRoiMap);
        Assert.Equal(result.Scattering2d, g2.Scattering2d);
        Assert.Equal(result.IntensityVsTime, g2.IntensityVsTime);
        Assert.Equal(result.BinCount, g2.BinCount);
        for (int b = 0; b < result.BinCount; b++)
        {
            Assert.Equal(result.QMap.QOfBin(b), g2.QOfBin(b));
            Assert.Equal(result.QMap.ChiOfBin(b), g2.ChiOfBin(b));
            Assert.Equal(result.G2At(3, b), g2.G2At(3, b));
        }
    }

    [Fact]
    public void RewritingReplacesTheFileAndLeavesNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        File.WriteAllText(path, "an older g2.h5");
        G2FileWriter.Write(path, HandMadeResult());
        G2FileWriter.Write(path, HandMadeResult());
        Assert.Equal([G2Paths.FileName], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
        Assert.Equal(0.2, G2File.Read(path).FrameTimeS);
    }

    [Fact]
    public void AG2FileMissingADatasetIsNamed()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        new H5File { ["xpcs"] = new H5Group { ["multitau"] = new H5Group { ["delay_list"] = new long[] { 1, 2 } } } }.Write(path);
        ContractAssert.Throws(path, () => G2File.Read(path), "dataset /xpcs/multitau/normalized_g2 not found");
    }

    [Fact]
    public void AG2FileWithAWrongDTypeIsNamed()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        new H5File { ["xpcs"] = new H5Group { ["multitau"] = new H5Group { ["delay_list"] = new[] { "1", "2" } } } }.Write(path);
        ContractAssert.Throws(path, () => G2File.Read(path), "/xpcs/multitau/delay_list is not numeric");
    }

    [Fact]
    public void AG2FileOfTheEarlierCloudXpcsLayoutIsRefusedByName()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        new H5File
        {
            ["xpcs"] = new H5Group { ["multitau"] = new H5Group { ["delay_list"] = new[] { 0.2, 0.4 }, ["lag_frames"] = new long[] { 1, 2 } } },
        }.Write(path);
        ContractAssert.Throws(path, () => G2File.Read(path), "earlier CloudXpcs layout", "correlate the series again");
    }

    [Fact]
    public void RandomBytesAreNotAReadableG2File()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        File.WriteAllBytes(path, Enumerable.Range(0, 1000).Select(i => (byte)(i * 37)).ToArray());
        ContractAssert.Throws(path, () => G2File.Read(path), "not a readable HDF5 file");
    }
}
