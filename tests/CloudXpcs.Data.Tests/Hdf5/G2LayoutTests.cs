using System.Text.Json.Nodes;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>g2.h5 against the key table of DATA_CONTRACT section 5.1, checked with h5py (an independent reader).</summary>
public class G2LayoutTests
{
    /// <summary>argv: file; prints {path: {dtype, shape, units, values}} for every dataset and {"@group": attrs} for groups with attributes.</summary>
    private const string DumpScript = """
        import sys, json, math, h5py, numpy as np
        out = {}
        def plain(v):
            if isinstance(v, bytes): return v.decode()
            if isinstance(v, float) and math.isnan(v): return None
            return v
        def visit(name, obj):
            attrs = {k: plain(v) if not isinstance(v, np.ndarray) else v.tolist() for k, v in obj.attrs.items()}
            if isinstance(obj, h5py.Dataset):
                a = obj[()]
                flat = [plain(v) for v in np.asarray(a).ravel().tolist()]
                if obj.dtype.kind == 'O': kind = 'vlen-str' if h5py.check_string_dtype(obj.dtype) else 'object'
                else: kind = obj.dtype.str
                out['/' + name] = {'dtype': kind, 'shape': list(obj.shape), 'units': attrs.get('units'), 'values': flat}
            elif attrs:
                out['@/' + name] = attrs
        with h5py.File(sys.argv[1], 'r') as f:
            f.visititems(visit)
        print(json.dumps(out))
        """;

    /// <summary>The key table of DATA_CONTRACT 5.1: key → (dtype, shape, units). Shapes use the symbols of the table.</summary>
    private static Dictionary<string, (string DType, string Shape, string? Units)> KeyTable() => new()
    {
        [G2Paths.Mask] = ("|u1", "H,W", null),
        [G2Paths.DynamicRoiMap] = ("uint", "H,W", null),
        [G2Paths.StaticRoiMap] = ("uint", "H,W", null),
        [G2Paths.DynamicNumPts] = ("<i8", "2", null),
        [G2Paths.StaticNumPts] = ("<i8", "2", null),
        [G2Paths.DynamicIndexMapping] = ("uint", "n_dq", null),
        [G2Paths.StaticIndexMapping] = ("uint", "n_sq", null),
        [G2Paths.DynamicVListDim0] = ("<f8", "n_dq", "Å⁻¹"),
        [G2Paths.DynamicVListDim1] = ("<f8", "1", "deg"),
        [G2Paths.StaticVListDim0] = ("<f8", "Qs", "Å⁻¹"),
        [G2Paths.StaticVListDim1] = ("<f8", "Ps", "deg"),
        [G2Paths.BeamCenterX] = ("<f8", "", "pixel"),
        [G2Paths.BeamCenterY] = ("<f8", "", "pixel"),
        [G2Paths.PixelSize] = ("<f8", "", "m"),
        [G2Paths.DetectorDistance] = ("<f8", "", "m"),
        [G2Paths.QMapEnergy] = ("<f8", "", "keV"),
        [G2Paths.MapNames] = ("vlen-str", "2", null),
        [G2Paths.MapUnits] = ("vlen-str", "2", null),
        [G2Paths.NormalizedG2] = ("<f4", "n_tau,n_dq", null),
        [G2Paths.NormalizedG2Err] = ("<f4", "n_tau,n_dq", null),
        [G2Paths.DelayList] = ("<i8", "n_tau", "frames"),
        [G2Paths.StrideFrame] = ("<i8", "", null),
        [G2Paths.AvgFrame] = ("<i8", "", null),
        [G2Paths.Scattering2d] = ("<f4", "1,H,W", "counts/pixel/frame"),
        [G2Paths.Scattering1d] = ("<f4", "1,n_sq", "counts/pixel/frame"),
        [G2Paths.Scattering1dSegments] = ("<f4", "1,n_sq", "counts/pixel/frame"),
        [G2Paths.IntensityVsTime] = ("<f4", "2,N", "counts/pixel/frame"),
        [G2Paths.StartTime] = ("vlen-str", "", null),
        [G2Paths.IncidentEnergy] = ("<f8", "", "keV"),
        [G2Paths.FrameTime] = ("<f8", "", "s"),
        [G2Paths.CountTime] = ("<f8", "", "s"),
        [G2Paths.XPixelSize] = ("<f8", "", "m"),
        [G2Paths.YPixelSize] = ("<f8", "", "m"),
        [G2Paths.Distance] = ("<f8", "", "m"),
        [G2Paths.DelayS] = ("<f8", "n_tau", "s"),
        [G2Paths.G2Exact] = ("<f8", "n_tau,n_dq", null),
        [G2Paths.G2ErrExact] = ("<f8", "n_tau,n_dq", null),
        [G2Paths.ColumnBin] = ("<i4", "n_dq", null),
        [G2Paths.ColumnChiDeg] = ("<f8", "n_dq", "deg"),
        [G2Paths.ColumnPixels] = ("<i4", "n_dq", null),
        [G2Paths.QCenters] = ("<f8", "q_bins", "Å⁻¹"),
        [G2Paths.QRange] = ("<f8", "2", "Å⁻¹"),
        [G2Paths.ChiCenters] = ("<f8", "phi_bins", "deg"),
        [G2Paths.StaticPerDynamic] = ("<i8", "", null),
        [G2Paths.FlowAxis] = ("<f8", "", "deg"),
        [G2Paths.Frames] = ("<i8", "", null),
        [G2Paths.Scattering2dExact] = ("<f8", "H,W", "counts/pixel/frame"),
        [G2Paths.IntensityVsTimeExact] = ("<f8", "N", "counts/pixel/frame"),
    };

    private static JsonObject WriteAndDump(MultiTauResult result, TempFolder folder, string name = G2Paths.FileName)
    {
        string path = folder.File(name);
        G2FileWriter.Write(path, result, new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        return JsonNode.Parse(PythonH5py.Run(DumpScript, path))!.AsObject();
    }

    private static double[] Numbers(JsonNode entry) => entry["values"]!.AsArray().Select(v => v is null ? double.NaN : (double)v).ToArray();

    [SkippableFact]
    public void EveryKeyHasTheTableShapeDTypeAndUnits()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var result = G2FileTests.HandMadeResult();
        var dump = WriteAndDump(result, folder);
        var qmap = result.QMap;
        int nDq = qmap.DynamicPixelCounts.Count(c => c > 0);
        int nSq = qmap.StaticPixelCounts.Count(c => c > 0);
        var symbols = new Dictionary<string, int>
        {
            ["H"] = 8, ["W"] = 10, ["n_tau"] = result.TauCount, ["n_dq"] = nDq, ["n_sq"] = nSq, ["N"] = (int)result.Frames,
            ["Qs"] = qmap.Spec.QBins * qmap.Spec.StaticPerDynamic, ["Ps"] = qmap.Spec.PhiBins,
            ["q_bins"] = qmap.Spec.QBins, ["phi_bins"] = qmap.Spec.PhiBins,
        };
        var table = KeyTable();
        Assert.Equal(table.Keys.Order(), dump.Where(kv => !kv.Key.StartsWith('@')).Select(kv => kv.Key).Order());
        foreach (var (key, (dtype, shape, units)) in table)
        {
            var entry = dump[key]!;
            string actualType = (string)entry["dtype"]!;
            Assert.True(dtype == "uint" ? actualType is "|u1" or "<u2" or "<u4" : actualType == dtype, $"{key}: dtype {actualType}, table {dtype}");
            int[] expectedShape = shape.Length == 0 ? [] : shape.Split(',').Select(s => int.TryParse(s, out int n) ? n : symbols[s]).ToArray();
            Assert.True(expectedShape.SequenceEqual(entry["shape"]!.AsArray().Select(d => (int)d!)), $"{key}: shape {entry["shape"]!.ToJsonString()}, table ({shape})");
            Assert.True(units == (string?)entry["units"], $"{key}: units {entry["units"]}, table {units}");
        }
        // 8 x 10 detector with 3 x 4 q/chi bins: 4 populated dynamic bins fit in uint8.
        Assert.Equal("|u1", (string)dump[G2Paths.DynamicRoiMap]!["dtype"]!);
        Assert.Equal(64, ((string)dump["@/xpcs/qmap"]![G2Paths.QMapHashAttribute]!).Length);
        Assert.Equal(G2Paths.LayoutVersion, (string)dump["@/xpcs/cloudxpcs"]![G2Paths.LayoutAttribute]!);
        Assert.Equal("2026-12-06 12:00:00.000000", (string)dump[G2Paths.StartTime]!["values"]![0]!);
        Assert.Equal(["q", "phi"], dump[G2Paths.MapNames]!["values"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["Å⁻¹", "deg"], dump[G2Paths.MapUnits]!["values"]!.AsArray().Select(v => (string)v!));
    }

    [SkippableFact]
    public void ValuesFollowTheLayoutIndexConventionWithoutEmptyColumns()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var result = G2FileTests.HandMadeResult();
        var dump = WriteAndDump(result, folder);
        var qmap = result.QMap;
        int nBins = result.BinCount, nTau = result.TauCount;
        int[] populated = Enumerable.Range(0, nBins).Where(b => qmap.DynamicPixelCounts[b] > 0).ToArray();
        int nDq = populated.Length;
        Assert.True(nDq < nBins, "the hand-made result has empty bins");

        // Every declared dynamic grid cell is populated: [n_dq, 1], index mapping 0..n_dq-1, roi map 1..n_dq.
        Assert.Equal([nDq, 1.0], Numbers(dump[G2Paths.DynamicNumPts]!));
        Assert.Equal(Enumerable.Range(0, nDq).Select(i => (double)i), Numbers(dump[G2Paths.DynamicIndexMapping]!));
        var roi = Numbers(dump[G2Paths.DynamicRoiMap]!);
        Assert.Equal(qmap.DynamicBinOfPixel.Select(b => b < 0 ? 0.0 : Array.IndexOf(populated, b) + 1), roi);
        Assert.Equal(qmap.DynamicBinOfPixel.Select(b => b < 0 ? 0.0 : 1.0), Numbers(dump[G2Paths.Mask]!));
        // The viewer's q of column k (dynamic_v_list_dim0[mapping[k] / P]) is the q of that column's bin.
        Assert.Equal(populated.Select(qmap.QOfBin), Numbers(dump[G2Paths.DynamicVListDim0]!));
        Assert.Equal(populated.Select(qmap.ChiOfBin), Numbers(dump[G2Paths.ColumnChiDeg]!));
        Assert.Equal(populated.Select(b => (double)b), Numbers(dump[G2Paths.ColumnBin]!));
        Assert.Equal(populated.Select(b => (double)qmap.DynamicPixelCounts[b]), Numbers(dump[G2Paths.ColumnPixels]!));

        var g2 = Numbers(dump[G2Paths.NormalizedG2]!);
        var exact = Numbers(dump[G2Paths.G2Exact]!);
        var exactErr = Numbers(dump[G2Paths.G2ErrExact]!);
        Assert.DoesNotContain(g2, double.IsNaN);
        for (int t = 0; t < nTau; t++)
        {
            for (int k = 0; k < nDq; k++)
            {
                Assert.Equal(result.G2At(t, populated[k]), exact[t * nDq + k]);
                Assert.Equal(result.G2ErrAt(t, populated[k]), exactErr[t * nDq + k]);
                Assert.Equal((double)(float)result.G2At(t, populated[k]), g2[t * nDq + k]);
            }
        }
        Assert.Equal(result.LagFrames.Select(l => (double)l), Numbers(dump[G2Paths.DelayList]!));
        Assert.Equal(result.DelaysS, Numbers(dump[G2Paths.DelayS]!));
        Assert.Equal([1.0], Numbers(dump[G2Paths.StrideFrame]!));
        Assert.Equal([1.0], Numbers(dump[G2Paths.AvgFrame]!));
        Assert.Equal([0.2], Numbers(dump[G2Paths.FrameTime]!));
        Assert.Equal([10.9], Numbers(dump[G2Paths.IncidentEnergy]!));
        Assert.Equal([4.5], Numbers(dump[G2Paths.BeamCenterX]!));
        Assert.Equal([3.5], Numbers(dump[G2Paths.BeamCenterY]!));
        Assert.Equal([75e-6], Numbers(dump[G2Paths.PixelSize]!));
        Assert.Equal([8.0], Numbers(dump[G2Paths.DetectorDistance]!));

        var intensity = Numbers(dump[G2Paths.IntensityVsTime]!);
        int n = (int)result.Frames;
        Assert.Equal(Enumerable.Range(0, n).Select(i => (double)i), intensity[..n]);
        Assert.Equal(result.IntensityVsTime.Select(v => (double)(float)v), intensity[n..]);
        Assert.Equal(result.IntensityVsTime, Numbers(dump[G2Paths.IntensityVsTimeExact]!));
        Assert.Equal(result.Scattering2d.Select(v => (double)(float)v), Numbers(dump[G2Paths.Scattering2d]!));
        Assert.Equal(result.Scattering2d, Numbers(dump[G2Paths.Scattering2dExact]!));

        // Static bins: grid (q_bins·spd) × phi_bins, compressed to the populated cells in increasing grid order.
        var mapping = Numbers(dump[G2Paths.StaticIndexMapping]!);
        Assert.True(mapping.Zip(mapping.Skip(1)).All(p => p.First < p.Second));
        var staticRoi = Numbers(dump[G2Paths.StaticRoiMap]!);
        var saxs1d = Numbers(dump[G2Paths.Scattering1d]!);
        int spd = qmap.Spec.StaticPerDynamic, phiBins = qmap.Spec.PhiBins;
        for (int k = 0; k < mapping.Length; k++)
        {
            int[] pixels = Enumerable.Range(0, staticRoi.Length).Where(p => staticRoi[p] == k + 1).ToArray();
            Assert.NotEmpty(pixels);
            int cell = (int)mapping[k];
            foreach (int p in pixels)
            {
                int s = qmap.StaticBinOfPixel[p], b = s / spd;
                Assert.Equal(((b / phiBins) * spd + s % spd) * phiBins + b % phiBins, cell);
            }
            Assert.Equal((float)pixels.Average(p => result.Scattering2d[p]), (float)saxs1d[k], 5);
        }
        Assert.Equal(Numbers(dump[G2Paths.Scattering1d]!), Numbers(dump[G2Paths.Scattering1dSegments]!));
    }

    [Fact]
    public void DifferentQMapsHaveDifferentHashesAndTheSameQMapTheSameHash()
    {
        using var folder = new TempFolder();
        var result = G2FileTests.HandMadeResult();
        var shifted = QMap.Build(result.QMap.Geometry with { BeamCenterRow = 3.0 }, result.QMap.Spec, result.QMap.FlowAxisDeg);
        string Hash(MultiTauResult r, string name)
        {
            string path = folder.File(name);
            G2FileWriter.Write(path, r);
            using var file = PureHDF.H5File.OpenRead(path);
            return file.Get(G2Paths.QMapGroup).Attribute(G2Paths.QMapHashAttribute).Read<string>();
        }
        string first = Hash(result, "a.h5");
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.Equal(first, Hash(result, "b.h5"));
        // Without a known start time the file is byte-identical when written again (resumed pipeline runs rely on it).
        Assert.Equal(File.ReadAllBytes(folder.File("a.h5")), File.ReadAllBytes(folder.File("b.h5")));
        var other = new MultiTauResult
        {
            QMap = shifted, FrameTimeS = result.FrameTimeS, Frames = result.Frames, Lags = result.Lags,
            G2 = result.G2.Select(_ => 1.0).ToArray(), G2Err = result.G2Err.Select(_ => 0.1).ToArray(),
            Scattering2d = result.Scattering2d, IntensityVsTime = result.IntensityVsTime,
        };
        Assert.NotEqual(first, Hash(other, "c.h5"));
    }
}
