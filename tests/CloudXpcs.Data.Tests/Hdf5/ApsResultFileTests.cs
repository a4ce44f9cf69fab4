using System.Text.Json.Nodes;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>The beamline's own result files (boost_corr, APS 8-ID-I) read as g2 on their q/φ grid.</summary>
public class ApsResultFileTests
{
    /// <summary>argv: file; the layout's g2 inputs as h5py sees them.</summary>
    private const string Script = """
        import sys, json, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            t0 = float(np.asarray(f['/entry/instrument/detector_1/frame_time'][()]).ravel()[0])
            t0 *= float(f['/xpcs/multitau/config/stride_frame'][()]) * float(f['/xpcs/multitau/config/avg_frame'][()])
            print(json.dumps({
                't0': t0,
                'tau': f['/xpcs/multitau/delay_list'][()].tolist(),
                'g2': f['/xpcs/multitau/normalized_g2'][()].astype(float).tolist(),
                'q': f['/xpcs/qmap/dynamic_v_list_dim0'][()].tolist(),
                'num_pts': f['/xpcs/qmap/dynamic_num_pts'][()].tolist(),
                'mapping': f['/xpcs/qmap/dynamic_index_mapping'][()].tolist(),
                'roi': np.bincount(f['/xpcs/qmap/dynamic_roi_map'][()].ravel()).tolist(),
                'shape': list(f['/xpcs/qmap/mask'].shape)}))
        """;

    [SkippableTheory]
    [InlineData(ApsResultFiles.Sample, 27)]
    [InlineData(ApsResultFiles.Buffer, 27)]
    [InlineData(ApsResultFiles.Acquisition, 36)]
    public void ABeamlineResultFileReadsAsG2OnItsQGrid(string name, int qBins)
    {
        string path = ApsResultFiles.PathOf(name);
        var g2 = G2File.Read(path);
        Assert.True(g2.IsBeamlineResult);
        Assert.Equal(61, g2.TauCount);
        Assert.Equal(qBins, g2.BinCount);
        Assert.Equal(1, g2.PhiBins);
        Assert.Equal(2e-5, g2.FrameTimeS, 1e-12);
        Assert.Equal(1, g2.LagFrames[0]);
        Assert.Equal(81920, g2.LagFrames[^1]);
        Assert.Equal(81920 * g2.FrameTimeS, g2.DelaysS[^1], 1e-12);
        Assert.All(g2.G2, v => Assert.True(double.IsFinite(v)));

        PythonH5py.SkipIfUnavailable();
        var h5py = JsonNode.Parse(PythonH5py.Run(Script, path))!;
        Assert.Equal((double)h5py["t0"]!, g2.FrameTimeS);
        Assert.Equal(h5py["tau"]!.AsArray().Select(v => (long)v!), g2.LagFrames);
        Assert.Equal(h5py["q"]!.AsArray().Select(v => (double)v!), g2.QCentersInvA);
        Assert.Equal([g2.Rows, g2.Cols], h5py["shape"]!.AsArray().Select(v => (int)v!));
        var mapping = h5py["mapping"]!.AsArray().Select(v => (int)v!).ToArray();
        var roiCounts = h5py["roi"]!.AsArray().Select(v => (int)v!).ToArray();
        var rows = h5py["g2"]!.AsArray();
        for (int k = 0; k < mapping.Length; k++)
        {
            Assert.Equal(roiCounts[k + 1], g2.DynamicPixelCounts[mapping[k]]);
            for (int t = 0; t < g2.TauCount; t++) Assert.Equal((double)rows[t]![k]!, g2.G2At(t, mapping[k]));
        }
    }
}
