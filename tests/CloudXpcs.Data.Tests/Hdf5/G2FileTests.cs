using System.Text.Json.Nodes;
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

    /// <summary>argv: g2.h5; prints every dataset as JSON {path: {dtype, shape, values}} with NaN as null.</summary>
    private const string DumpScript = """
        import sys, json, math, h5py, numpy as np
        out = {}
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                a = obj[()]
                flat = np.asarray(a).ravel().tolist()
                flat = [None if isinstance(v, float) and math.isnan(v) else v for v in flat]
                out['/' + name] = {'dtype': obj.dtype.str, 'shape': list(obj.shape), 'values': flat}
        with h5py.File(sys.argv[1], 'r') as f:
            f.visititems(visit)
        print(json.dumps(out))
        """;

    [SkippableFact]
    public void H5pySeesEveryDatasetWithTheContractShapeDTypeAndValues()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var result = HandMadeResult();
        string path = folder.File(G2Paths.FileName);
        G2FileWriter.Write(path, result);
        var dump = JsonNode.Parse(PythonH5py.Run(DumpScript, path))!.AsObject();

        int nTau = result.TauCount, nBins = result.BinCount;
        var expected = new Dictionary<string, (string DType, int[] Shape, double[] Values)>
        {
            [G2Paths.NormalizedG2] = ("<f8", [nTau, nBins], result.G2),
            [G2Paths.NormalizedG2Err] = ("<f8", [nTau, nBins], result.G2Err),
            [G2Paths.DelayList] = ("<f8", [nTau], result.DelaysS),
            [G2Paths.LagFrames] = ("<i8", [nTau], result.LagFrames.Select(l => (double)l).ToArray()),
            [G2Paths.DynamicRoiMap] = ("<i4", [8, 10], BinPlusOne(result.QMap.DynamicBinOfPixel).Select(b => (double)b).ToArray()),
            [G2Paths.DynamicVListDim0] = ("<f8", [3], result.QMap.QCentersInvA),
            [G2Paths.DynamicVListDim1] = ("<f8", [4], result.QMap.ChiCentersDeg),
            [G2Paths.DynamicNumPts] = ("<i4", [nBins], result.QMap.DynamicPixelCounts.Select(c => (double)c).ToArray()),
            [G2Paths.StaticRoiMap] = ("<i4", [8, 10], BinPlusOne(result.QMap.StaticBinOfPixel).Select(b => (double)b).ToArray()),
            [G2Paths.Scattering2d] = ("<f8", [8, 10], result.Scattering2d),
            [G2Paths.IntensityVsTime] = ("<f8", [40], result.IntensityVsTime),
            [G2Paths.FrameTime] = ("<f8", [], [0.2]),
        };
        Assert.Equal(expected.Keys.Order(), dump.Select(kv => kv.Key).Order());
        foreach (var (name, (dtype, shape, values)) in expected)
        {
            var entry = dump[name]!;
            Assert.True(dtype == (string)entry["dtype"]!, $"{name}: dtype {entry["dtype"]}, expected {dtype}");
            Assert.Equal(shape, entry["shape"]!.AsArray().Select(d => (int)d!));
            var actual = entry["values"]!.AsArray().Select(v => v is null ? double.NaN : (double)v).ToArray();
            Assert.Equal(values, actual);
        }
        // The static map refines the dynamic one: static index / static_per_dynamic = dynamic index.
        Assert.Equal(result.QMap.DynamicBinOfPixel, result.QMap.StaticBinOfPixel.Select(s => s < 0 ? -1 : s / 2));
    }

    [Fact]
    public void AG2FileMissingADatasetIsNamed()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        new H5File { ["xpcs"] = new H5Group { ["multitau"] = new H5Group { ["delay_list"] = new double[] { 0.2, 0.4 } } } }.Write(path);
        ContractAssert.Throws(path, () => G2File.Read(path), "dataset /entry/instrument/detector_1/frame_time not found");
    }

    [Fact]
    public void AG2FileWithAWrongDTypeIsNamed()
    {
        using var folder = new TempFolder();
        string path = folder.File(G2Paths.FileName);
        new H5File { ["entry"] = new H5Group { ["instrument"] = new H5Group { ["detector_1"] = new H5Group { ["frame_time"] = 0.2f } } } }.Write(path);
        ContractAssert.Throws(path, () => G2File.Read(path), "/entry/instrument/detector_1/frame_time must be float64");
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
