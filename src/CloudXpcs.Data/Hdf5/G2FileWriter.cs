using CloudXpcs.Science.Correlation;
using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Writes g2.h5 exactly as DATA_CONTRACT section 5.1 from a <see cref="MultiTauResult"/>, under a temporary name in
/// the same folder and then renamed, so no partial g2.h5 ever exists under the final name.
/// </summary>
public static class G2FileWriter
{
    public static void Write(string path, MultiTauResult result)
    {
        var qmap = result.QMap;
        int nTau = result.TauCount, nBins = result.BinCount;
        int rows = qmap.Geometry.Rows, cols = qmap.Geometry.Cols;
        if (nTau < 1) throw new ArgumentException("the result has no lags", nameof(result));
        RequireLength(result.G2, (long)nTau * nBins, nameof(result.G2));
        RequireLength(result.G2Err, (long)nTau * nBins, nameof(result.G2Err));
        RequireLength(result.Scattering2d, (long)rows * cols, nameof(result.Scattering2d));
        RequireLength(result.IntensityVsTime, result.Frames, nameof(result.IntensityVsTime));
        if (qmap.PixelCount != rows * cols) throw new ArgumentException($"q map has {qmap.PixelCount} pixels, detector {rows} x {cols}", nameof(result));

        ulong[] matrix = [(ulong)nTau, (ulong)nBins];
        ulong[] image = [(ulong)rows, (ulong)cols];
        var file = new H5File
        {
            ["xpcs"] = new H5Group
            {
                ["multitau"] = new H5Group
                {
                    ["normalized_g2"] = new H5Dataset(result.G2, fileDims: matrix),
                    ["normalized_g2_err"] = new H5Dataset(result.G2Err, fileDims: matrix),
                    ["delay_list"] = result.DelaysS,
                    ["lag_frames"] = result.LagFrames,
                },
                ["qmap"] = new H5Group
                {
                    ["dynamic_roi_map"] = new H5Dataset(BinPlusOne(qmap.DynamicBinOfPixel), fileDims: image),
                    ["dynamic_v_list_dim0"] = qmap.QCentersInvA,
                    ["dynamic_v_list_dim1"] = qmap.ChiCentersDeg,
                    ["dynamic_num_pts"] = qmap.DynamicPixelCounts,
                    ["static_roi_map"] = new H5Dataset(BinPlusOne(qmap.StaticBinOfPixel), fileDims: image),
                },
                ["temporal_mean"] = new H5Group
                {
                    ["scattering_2d"] = new H5Dataset(result.Scattering2d, fileDims: image),
                },
                ["spatial_mean"] = new H5Group
                {
                    ["intensity_vs_time"] = result.IntensityVsTime,
                },
            },
            ["entry"] = new H5Group
            {
                ["instrument"] = new H5Group
                {
                    ["detector_1"] = new H5Group
                    {
                        ["frame_time"] = result.FrameTimeS,
                    },
                },
            },
        };
        AtomicFile.Write(path, temporaryPath => file.Write(temporaryPath, ContractHdf5.WriteOptions));
    }

    /// <summary>Bin index + 1 per pixel, 0 = in no bin (the maps of section 5.1).</summary>
    private static int[] BinPlusOne(int[] binOfPixel)
    {
        var map = new int[binOfPixel.Length];
        for (int p = 0; p < map.Length; p++) map[p] = binOfPixel[p] < 0 ? 0 : binOfPixel[p] + 1;
        return map;
    }

    private static void RequireLength(Array values, long expected, string name)
    {
        if (values.LongLength != expected) throw new ArgumentException($"{name} has {values.LongLength} values, {expected} expected", nameof(values));
    }
}
