namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The /xpcs/twotime group of a g2.h5 (<see cref="G2Paths.TwoTimeGroup"/>), as read back: the processed bins (1-based
/// g2 columns), the frame selection, the diagonal g2 (row-major N × bins) and its segments (row-major L × segments ×
/// bins). Maps are read one at a time with <see cref="ReadMap"/> (full symmetric N × N, row-major).
/// </summary>
public sealed record G2TwoTimeFile(int[] ProcessedColumns, int Frames, int AverageFrames, int StrideFrames, double[] G2, int Segments, double[] G2Segments)
{
    /// <summary>Null when the file holds no two-time group.</summary>
    public static G2TwoTimeFile? Read(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        if (!ContractHdf5.Guard(path, () => file.LinkExists(G2Paths.TwoTimeCorrelationMap))) return null;
        var processed = Hdf5Numbers.Read(file, path, G2Paths.TwoTimeProcessedBins, 1);
        var g2 = Hdf5Numbers.Read(file, path, G2Paths.TwoTimeG2, 2);
        var segments = Hdf5Numbers.Read(file, path, G2Paths.TwoTimeG2Segments, 3);
        var avg = Hdf5Numbers.Read(file, path, G2Paths.TwoTimeAvgFrame, 0, 1);
        var stride = Hdf5Numbers.Read(file, path, G2Paths.TwoTimeStrideFrame, 0, 1);
        int bins = (int)processed.Count, n = (int)g2.Dims[0];
        if (g2.Dims[1] != (ulong)bins)
            throw new DataContractException(path, $"{G2Paths.TwoTimeG2} has shape {ContractHdf5.Shape(g2.Dims)}, {bins} processed bins");
        if (segments.Dims[2] != (ulong)bins)
            throw new DataContractException(path, $"{G2Paths.TwoTimeG2Segments} has shape {ContractHdf5.Shape(segments.Dims)}, {bins} processed bins");
        return new G2TwoTimeFile(processed.Data.Select(v => (int)v).ToArray(), n, (int)avg.Scalar, (int)stride.Scalar, g2.Data,
            (int)segments.Dims[1], segments.Data);
    }

    /// <summary>The map of the <paramref name="index"/>-th processed bin, made symmetric from the stored upper triangle.</summary>
    public static double[] ReadMap(string path, int index)
    {
        using var file = ContractHdf5.OpenRead(path);
        string name = $"{G2Paths.TwoTimeCorrelationMap}/c2_{index + 1:D5}";
        var upper = Hdf5Numbers.Read(file, path, name, 2);
        int n = (int)upper.Dims[0];
        if (upper.Dims[1] != (ulong)n) throw new DataContractException(path, $"{name} has shape {ContractHdf5.Shape(upper.Dims)}, expected square");
        var map = new double[(long)n * n];
        for (int a = 0; a < n; a++)
            for (int b = a; b < n; b++) map[(long)a * n + b] = map[(long)b * n + a] = upper.Data[(long)a * n + b];
        return map;
    }
}
