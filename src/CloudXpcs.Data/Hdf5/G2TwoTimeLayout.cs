using CloudXpcs.Science.Correlation.TwoTime;
using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The /xpcs/twotime group of g2.h5 (DATA_CONTRACT section 5.1) in the layout boost_corr writes and pyXpcsViewer reads:
/// correlation_map/c2_NNNNN per processed bin (float32 upper triangle), processed_bins (dynamic_roi_map values),
/// delay_list, normalized_g2 (N × bins), normalized_g2_segments (L × segments × bins) and config (avg/stride).
/// </summary>
internal static class G2TwoTimeLayout
{
    public static H5Group Group(TwoTimeResult twoTime, G2QMapLayout layout)
    {
        int n = twoTime.Frames, bins = twoTime.Maps.Count;
        if (bins == 0) throw new ArgumentException("the two-time result has no maps", nameof(twoTime));
        var columnOfBin = new Dictionary<int, int>();
        for (int k = 0; k < layout.ColumnBins.Length; k++) columnOfBin[layout.ColumnBins[k]] = k;
        var maps = new H5Group();
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
            var upper = new float[(long)n * n];
            for (int a = 0; a < n; a++)
                for (int b = a; b < n; b++) upper[(long)a * n + b] = (float)m.C2[(long)a * n + b];
            maps[$"c2_{i + 1:D5}"] = new H5Dataset(upper, fileDims: [(ulong)n, (ulong)n]);
            for (int d = 0; d < n; d++) g2[(long)d * bins + i] = (float)m.G2[d];
            for (int s = 0; s < segments; s++)
                for (int d = 0; d < length; d++) g2Segments[((long)d * segments + s) * bins + i] = (float)m.G2Segments[s * length + d];
        }
        return new H5Group
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
        };
    }
}
