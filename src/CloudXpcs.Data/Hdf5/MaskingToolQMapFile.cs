using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// A q-map made by the field's masking tools, read as is: the group /xpcs/qmap of an APS 8-ID-I result file or /qmap
/// of a pySimpleMask q-map file (the same datasets; see docs/DATA_CONTRACT.md). Pixels in dynamic bin k (1-based in
/// dynamic_roi_map) belong to grid cell dynamic_index_mapping[k−1] = iq·Pd + iφ of the [Qd, Pd] grid
/// (dynamic_num_pts), with q and φ centres dynamic_v_list_dim0/1. A pixel is used when both its dynamic and static
/// bins are non-zero. CloudXpcs nests static bins in dynamic ones: the static bins met within each dynamic bin become
/// its sub-bins, in increasing static index.
/// </summary>
public sealed record MaskingToolQMapFile(string Path, int Rows, int Cols, int QBins, int PhiBins, double[] QCentersInvA, double[] PhiCentersDeg,
    int[] DynamicCell, int[] StaticIndex)
{
    public static readonly string[] Groups = ["/xpcs/qmap", "/qmap"];

    public static MaskingToolQMapFile Read(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        string group = Groups.FirstOrDefault(g => ContractHdf5.Guard(path, () => file.LinkExists(g + "/dynamic_roi_map")))
            ?? throw new DataContractException(path, $"holds no q-map (expected {string.Join(" or ", Groups.Select(g => g + "/dynamic_roi_map"))})");
        Hdf5Numbers.Values Read(string name, params int[] ranks) => Hdf5Numbers.Read(file, path, $"{group}/{name}", ranks);
        var dynamicMap = Read("dynamic_roi_map", 2);
        var staticMap = Read("static_roi_map", 2);
        var numPts = Read("dynamic_num_pts", 1);
        var mapping = Read("dynamic_index_mapping", 1);
        var q = Read("dynamic_v_list_dim0", 1);
        var phi = Read("dynamic_v_list_dim1", 1);
        int rows = (int)dynamicMap.Dims[0], cols = (int)dynamicMap.Dims[1];
        if (staticMap.Dims[0] != (ulong)rows || staticMap.Dims[1] != (ulong)cols)
            throw new DataContractException(path, $"{group}/static_roi_map is {ContractHdf5.Shape(staticMap.Dims)}, dynamic_roi_map is ({rows}, {cols})");
        if (numPts.Count != 2) throw new DataContractException(path, $"{group}/dynamic_num_pts must hold 2 values [Qd, Pd]");
        int qBins = (int)numPts.Data[0], phiBins = (int)numPts.Data[1];
        if (qBins < 1 || phiBins < 1 || (long)qBins * phiBins > 1_000_000 || q.Data.Length != qBins || phi.Data.Length != phiBins)
            throw new DataContractException(path, $"{group}/dynamic_num_pts [{qBins}, {phiBins}] does not match the {q.Data.Length} q and {phi.Data.Length} phi centres");
        if (q.Data.Any(v => !double.IsFinite(v) || v < 0) || phi.Data.Any(v => !double.IsFinite(v)))
            throw new DataContractException(path, $"{group}/dynamic_v_list_dim0/1 must hold finite q >= 0 and phi values");
        var cells = mapping.Data;
        foreach (double cell in cells)
            if (cell < 0 || cell >= (long)qBins * phiBins || cell != Math.Floor(cell))
                throw new DataContractException(path, $"{group}/dynamic_index_mapping holds {cell}, outside the {qBins} x {phiBins} grid");
        var dynamicCell = new int[rows * cols];
        var staticIndex = new int[rows * cols];
        for (int p = 0; p < dynamicCell.Length; p++)
        {
            int k = (int)dynamicMap.Data[p], s = (int)staticMap.Data[p];
            if (k < 0 || k > cells.Length) throw new DataContractException(path, $"{group}/dynamic_roi_map holds {k}, outside 0..{cells.Length} (dynamic_index_mapping)");
            if (s < 0) throw new DataContractException(path, $"{group}/static_roi_map holds {s}, must be >= 0");
            bool used = k > 0 && s > 0;
            dynamicCell[p] = used ? (int)cells[k - 1] : -1;
            staticIndex[p] = used ? s : -1;
        }
        if (dynamicCell.All(c => c < 0)) throw new DataContractException(path, $"{group}: no pixel is in both a dynamic and a static bin");
        return new MaskingToolQMapFile(path, rows, cols, qBins, phiBins, q.Data, phi.Data, dynamicCell, staticIndex);
    }

    /// <summary>
    /// The q-map for a detector of <paramref name="geometry"/> (same shape), with the series' own mask applied on top
    /// (non-zero = use). χ of each φ bin is φ − <paramref name="flowAxisDeg"/>, wrapped to [−180, 180).
    /// </summary>
    public QMap BuildQMap(DetectorGeometry geometry, double flowAxisDeg, ReadOnlySpan<byte> mask = default)
    {
        if (geometry.Rows != Rows || geometry.Cols != Cols)
            throw new DataContractException(Path, $"the q-map is {Rows} x {Cols} pixels, the detector {geometry.Rows} x {geometry.Cols}");
        int n = Rows * Cols;
        // Static bins met in each dynamic cell, in increasing static index, become its sub-bins.
        var subBins = new SortedSet<int>?[QBins * PhiBins];
        for (int p = 0; p < n; p++)
        {
            if (DynamicCell[p] < 0 || (!mask.IsEmpty && mask[p] == 0)) continue;
            (subBins[DynamicCell[p]] ??= []).Add(StaticIndex[p]);
        }
        int perDynamic = Math.Max(1, subBins.Max(s => s?.Count ?? 0));
        var subOf = subBins.Select(s => s?.Select((index, i) => (index, i)).ToDictionary(x => x.index, x => x.i)).ToArray();
        var dynamicBin = new int[n];
        var staticBin = new int[n];
        for (int p = 0; p < n; p++)
        {
            bool used = DynamicCell[p] >= 0 && (mask.IsEmpty || mask[p] != 0);
            dynamicBin[p] = used ? DynamicCell[p] : -1;
            staticBin[p] = used ? DynamicCell[p] * perDynamic + subOf[DynamicCell[p]]![StaticIndex[p]] : -1;
        }
        double step = QCentersInvA.Length > 1 ? (QCentersInvA.Max() - QCentersInvA.Min()) / (QCentersInvA.Length - 1) : Math.Max(QCentersInvA[0] * 0.1, 1e-6);
        var spec = new QMapSpec(Math.Max(0, QCentersInvA.Min() - step / 2), QCentersInvA.Max() + step / 2, QBins, PhiBins, perDynamic);
        var chi = PhiCentersDeg.Select(phi => QMap.WrapChiDeg(phi - flowAxisDeg)).ToArray();
        try
        {
            return QMap.FromBins(geometry, spec, flowAxisDeg, dynamicBin, staticBin, QCentersInvA, chi);
        }
        catch (ArgumentException e)
        {
            throw new DataContractException(Path, "its q-map cannot be used: " + e.Message);
        }
    }
}
