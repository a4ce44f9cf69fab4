using CloudXpcs.Science.Correlation.TwoTime;
using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The /xpcs/twotime group of g2.h5 (DATA_CONTRACT section 5.1) in the layout boost_corr writes and pyXpcsViewer reads:
/// correlation_map/c2_NNNNN per processed bin (float32 upper triangle), processed_bins (dynamic_roi_map values),
/// delay_list, normalized_g2 (N × bins), normalized_g2_segments (L × segments × bins) and config (avg/stride).
/// The maps' float32 images are written one at a time after the file's structure (<see cref="WriteMaps"/>), so that
/// only one N² image exists beside the float64 maps (the images of all bins at once were a third of the peak memory).
/// </summary>
internal static class G2TwoTimeLayout
{
    /// <summary>The group, its correlation maps declared and written later by <see cref="WriteMaps"/> with the returned datasets.</summary>
    public static (H5Group Group, H5Dataset<float[]>[] Maps) Group(TwoTimeResult twoTime, G2QMapLayout layout)
    {
        int n = twoTime.Frames, bins = twoTime.Maps.Count;
        if (bins == 0) throw new ArgumentException("the two-time result has no maps", nameof(twoTime));
        var columnOfBin = new Dictionary<int, int>();
        for (int k = 0; k < layout.ColumnBins.Length; k++) columnOfBin[layout.ColumnBins[k]] = k;
        var maps = new H5Group();
        var deferred = new H5Dataset<float[]>[bins];
        var processed = new long[bins];
        var g2 = new float[(long)n * bins];
        int segments = twoTime.Maps[0].Segments, length = twoTime.Maps[0].SegmentFrames;
        var g2Segments = new float[(long)length * segments * bins];
        for (int i = 0; i < bins; i++)
        {
            var m = twoTime.Maps[i];
            if (m.Frames != n || m.Segments != segments) throw new ArgumentException($"two-time map of bin {m.Bin} differs in frames or segments", nameof(twoTime));
            if (!columnOfBin.TryGetValue(m.Bin, out int column)) throw new ArgumentException($"two-time bin {m.Bin} has no g2 column", nameof(twoTime));
            processed[i] = column + 1;
            deferred[i] = new H5Dataset<float[]>(fileDims: [(ulong)n, (ulong)n]);
            maps[$"c2_{i + 1:D5}"] = deferred[i];
            for (int d = 0; d < n; d++) g2[(long)d * bins + i] = (float)m.G2[d];
            for (int s = 0; s < segments; s++)
                for (int d = 0; d < length; d++) g2Segments[((long)d * segments + s) * bins + i] = (float)m.G2Segments[s * length + d];
        }
        return (new H5Group
        {
            ["correlation_map"] = maps,
            ["processed_bins"] = processed,
            ["delay_list"] = Enumerable.Range(0, n).Select(d => (long)d).ToArray(),
            ["normalized_g2"] = new H5Dataset(g2, fileDims: [(ulong)n, (ulong)bins]),
            ["normalized_g2_segments"] = new H5Dataset(g2Segments, fileDims: [(ulong)length, (ulong)segments, (ulong)bins]),
            ["config"] = new H5Group
            {
                ["avg_frame"] = (long)twoTime.AverageFrames,
                ["stride_frame"] = (long)twoTime.StrideFrames,
                ["segments"] = (long)segments,
            },
        }, deferred);
    }

    /// <summary>Writes each map's float32 upper triangle (zeros below) into its dataset declared by <see cref="Group"/>.</summary>
    public static void WriteMaps(H5NativeWriter writer, TwoTimeResult twoTime, H5Dataset<float[]>[] maps)
    {
        int n = twoTime.Frames;
        var upper = new float[(long)n * n];
        for (int i = 0; i < maps.Length; i++)
        {
            var m = twoTime.Maps[i];
            for (int a = 0; a < n; a++)
            {
                var row = upper.AsSpan(a * n, n);
                row[..a].Clear();
                for (int b = a; b < n; b++) row[b] = (float)m.C2[(long)a * n + b];
            }
            writer.Write(maps[i], upper);
        }
    }
}
