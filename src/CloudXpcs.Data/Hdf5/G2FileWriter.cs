using System.Globalization;
using CloudXpcs.Science.Correlation;
using CloudXpcs.Science.Correlation.TwoTime;
using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Writes g2.h5 in the APS 8-ID-I result layout (DATA_CONTRACT section 5.1) from a <see cref="MultiTauResult"/>,
/// under a temporary name in the same folder and then renamed, so no partial g2.h5 ever exists under the final name.
/// The layout's float32 datasets are for the viewer; the exact float64 values are kept under /xpcs/cloudxpcs.
/// </summary>
public static class G2FileWriter
{
    public const string UnknownStartTime = "unknown";

    /// <param name="startTimeUtc">/entry/start_time when the acquisition start is known; series.json carries none, so by default
    /// "unknown" (not the time of writing: results must be byte-identical when an analysis is repeated or resumed).</param>
    /// <param name="twoTime">Two-time maps to write beside multi-tau under /xpcs/twotime (<see cref="G2TwoTimeLayout"/>); null: none.</param>
    public static void Write(string path, MultiTauResult result, DateTimeOffset? startTimeUtc = null, TwoTimeResult? twoTime = null)
    {
        var qmap = result.QMap;
        var geometry = qmap.Geometry;
        int nTau = result.TauCount, nBins = result.BinCount;
        int rows = geometry.Rows, cols = geometry.Cols;
        if (nTau < 1) throw new ArgumentException("the result has no lags", nameof(result));
        RequireLength(result.G2, (long)nTau * nBins, nameof(result.G2));
        RequireLength(result.G2Err, (long)nTau * nBins, nameof(result.G2Err));
        RequireLength(result.Scattering2d, (long)rows * cols, nameof(result.Scattering2d));
        RequireLength(result.IntensityVsTime, result.Frames, nameof(result.IntensityVsTime));
        if (qmap.PixelCount != rows * cols) throw new ArgumentException($"q map has {qmap.PixelCount} pixels, detector {rows} x {cols}", nameof(result));

        var layout = G2QMapLayout.Of(qmap);
        int nColumns = layout.ColumnCount;
        var g2 = Columns(result.G2, nTau, nBins, layout.ColumnBins);
        var g2Err = Columns(result.G2Err, nTau, nBins, layout.ColumnBins);
        var scattering1d = layout.StaticMeans(result.Scattering2d);
        var intensity = new float[2 * result.Frames];
        for (long f = 0; f < result.Frames; f++)
        {
            intensity[f] = f;
            intensity[result.Frames + f] = (float)result.IntensityVsTime[f];
        }
        string startTime = startTimeUtc is { } start ? start.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) : UnknownStartTime;

        ulong[] matrix = [(ulong)nTau, (ulong)nColumns];
        ulong[] image = [(ulong)rows, (ulong)cols];
        ulong[] staticRow = [1, (ulong)scattering1d.Length];
        var qmapGroup = new H5Group
        {
            ["mask"] = new H5Dataset(layout.DynamicRoi.Select(k => (byte)(k > 0 ? 1 : 0)).ToArray(), fileDims: image),
            ["dynamic_roi_map"] = new H5Dataset(SmallestUnsigned(layout.DynamicRoi, nColumns), fileDims: image),
            ["static_roi_map"] = new H5Dataset(SmallestUnsigned(layout.StaticRoi, layout.StaticIndexMapping.Length), fileDims: image),
            ["dynamic_num_pts"] = new long[] { nColumns, 1 },
            ["static_num_pts"] = new long[] { layout.StaticQBins, qmap.Spec.PhiBins },
            ["dynamic_index_mapping"] = SmallestUnsigned(Enumerable.Range(0, nColumns).ToArray(), nColumns),
            ["static_index_mapping"] = SmallestUnsigned(layout.StaticIndexMapping, layout.StaticQBins * qmap.Spec.PhiBins),
            ["dynamic_v_list_dim0"] = WithUnits(layout.ColumnQInvA, "Å⁻¹"),
            ["dynamic_v_list_dim1"] = WithUnits(new double[] { 0.0 }, "deg"),
            ["static_v_list_dim0"] = WithUnits(layout.StaticQCentersInvA, "Å⁻¹"),
            ["static_v_list_dim1"] = WithUnits(qmap.ChiCentersDeg, "deg"),
            ["beam_center_x"] = WithUnits(geometry.BeamCenterCol, "pixel"),
            ["beam_center_y"] = WithUnits(geometry.BeamCenterRow, "pixel"),
            ["pixel_size"] = WithUnits(geometry.PixelSizeM, "m"),
            ["detector_distance"] = WithUnits(geometry.DistanceM, "m"),
            ["energy"] = WithUnits(geometry.EnergyKeV, "keV"),
            ["map_names"] = new[] { "q", "phi" },
            ["map_units"] = new[] { "Å⁻¹", "deg" },
        };
        qmapGroup.Attributes = new() { [G2Paths.QMapHashAttribute] = layout.Hash };
        var cloudxpcs = new H5Group
        {
            ["delay_s"] = WithUnits(result.DelaysS, "s"),
            ["normalized_g2"] = new H5Dataset(Columns(result.G2, nTau, nBins, layout.ColumnBins, d => d), fileDims: matrix),
            ["normalized_g2_err"] = new H5Dataset(Columns(result.G2Err, nTau, nBins, layout.ColumnBins, d => d), fileDims: matrix),
            ["column_bin"] = layout.ColumnBins,
            ["column_chi_deg"] = WithUnits(layout.ColumnChiDeg, "deg"),
            ["column_pixels"] = layout.ColumnPixels,
            ["q_centers"] = WithUnits(qmap.QCentersInvA, "Å⁻¹"),
            ["q_range"] = WithUnits(new[] { qmap.Spec.QMinInvA, qmap.Spec.QMaxInvA }, "Å⁻¹"),
            ["chi_centers"] = WithUnits(qmap.ChiCentersDeg, "deg"),
            ["static_per_dynamic"] = (long)qmap.Spec.StaticPerDynamic,
            ["flow_axis"] = WithUnits(qmap.FlowAxisDeg, "deg"),
            ["frames"] = result.Frames,
            ["scattering_2d"] = WithUnits(new H5Dataset(result.Scattering2d, fileDims: image), "counts/pixel/frame"),
            ["intensity_vs_time"] = WithUnits(result.IntensityVsTime, "counts/pixel/frame"),
        };
        cloudxpcs.Attributes = new() { [G2Paths.LayoutAttribute] = G2Paths.LayoutVersion };
        var file = new H5File
        {
            ["xpcs"] = new H5Group
            {
                ["qmap"] = qmapGroup,
                ["multitau"] = new H5Group
                {
                    ["normalized_g2"] = new H5Dataset(g2, fileDims: matrix),
                    ["normalized_g2_err"] = new H5Dataset(g2Err, fileDims: matrix),
                    ["delay_list"] = WithUnits(result.LagFrames, "frames"),
                    ["config"] = new H5Group
                    {
                        ["stride_frame"] = 1L,
                        ["avg_frame"] = 1L,
                    },
                },
                ["temporal_mean"] = new H5Group
                {
                    ["scattering_2d"] = WithUnits(new H5Dataset(result.Scattering2d.Select(v => (float)v).ToArray(), fileDims: [1, (ulong)rows, (ulong)cols]),
                        "counts/pixel/frame"),
                    ["scattering_1d"] = WithUnits(new H5Dataset(scattering1d.Select(v => (float)v).ToArray(), fileDims: staticRow), "counts/pixel/frame"),
                    ["scattering_1d_segments"] = WithUnits(new H5Dataset(scattering1d.Select(v => (float)v).ToArray(), fileDims: staticRow), "counts/pixel/frame"),
                },
                ["spatial_mean"] = new H5Group
                {
                    ["intensity_vs_time"] = WithUnits(new H5Dataset(intensity, fileDims: [2, (ulong)result.Frames]), "counts/pixel/frame"),
                },
                ["cloudxpcs"] = cloudxpcs,
            },
            ["entry"] = new H5Group
            {
                ["start_time"] = startTime,
                ["instrument"] = new H5Group
                {
                    ["incident_beam"] = new H5Group { ["incident_energy"] = WithUnits(geometry.EnergyKeV, "keV") },
                    ["detector_1"] = new H5Group
                    {
                        ["frame_time"] = WithUnits(result.FrameTimeS, "s"),
                        ["count_time"] = WithUnits(result.FrameTimeS, "s"),
                        ["x_pixel_size"] = WithUnits(geometry.PixelSizeM, "m"),
                        ["y_pixel_size"] = WithUnits(geometry.PixelSizeM, "m"),
                        ["distance"] = WithUnits(geometry.DistanceM, "m"),
                    },
                },
            },
        };
        if (twoTime is null)
        {
            AtomicFile.Write(path, temporaryPath => file.Write(temporaryPath, ContractHdf5.WriteOptions));
            return;
        }
        var (group, maps) = G2TwoTimeLayout.Group(twoTime, layout);
        ((H5Group)file["xpcs"])["twotime"] = group;
        AtomicFile.Write(path, temporaryPath =>
        {
            using var writer = file.BeginWrite(temporaryPath, ContractHdf5.WriteOptions);
            G2TwoTimeLayout.WriteMaps(writer, twoTime, maps);
        });
    }

    private static float[] Columns(double[] matrix, int nTau, int nBins, int[] columnBins) =>
        Columns(matrix, nTau, nBins, columnBins, d => (float)d);

    /// <summary>The populated bins' columns of an n_tau × n_bins matrix, as n_tau × n_columns.</summary>
    private static T[] Columns<T>(double[] matrix, int nTau, int nBins, int[] columnBins, Func<double, T> convert)
    {
        var columns = new T[nTau * columnBins.Length];
        for (int t = 0; t < nTau; t++)
            for (int k = 0; k < columnBins.Length; k++)
                columns[t * columnBins.Length + k] = convert(matrix[t * nBins + columnBins[k]]);
        return columns;
    }

    /// <summary>The values as uint8, uint16 or uint32, the smallest that holds <paramref name="max"/> (as boost_corr writes index maps).</summary>
    private static Array SmallestUnsigned(int[] values, int max) =>
        max <= byte.MaxValue ? values.Select(v => (byte)v).ToArray()
        : max <= ushort.MaxValue ? values.Select(v => (ushort)v).ToArray()
        : values.Select(v => (uint)v).ToArray();

    private static H5Dataset WithUnits(object data, string units)
    {
        var dataset = data as H5Dataset ?? new H5Dataset(data);
        dataset.Attributes = new() { ["units"] = units };
        return dataset;
    }

    private static void RequireLength(Array values, long expected, string name)
    {
        if (values.LongLength != expected) throw new ArgumentException($"{name} has {values.LongLength} values, {expected} expected", nameof(values));
    }
}
