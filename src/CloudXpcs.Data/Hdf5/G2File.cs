using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The contents of a g2.h5 file (DATA_CONTRACT section 5.1), as read back for fitting, on CloudXpcs's q × χ grid.
/// Matrices are row-major n_tau × n_bins; bin b = iq·phi_bins + iχ, so q of bin b is QCentersInvA[b / phi_bins];
/// grid cells without a g2 column hold NaN. <see cref="Read"/> accepts the files CloudXpcs writes and result files
/// of the APS 8-ID-I beamline (boost_corr), whose q/φ grid is dynamic_num_pts with columns placed by
/// dynamic_index_mapping. For those, <see cref="FrameTimeS"/> is the correlator frame time
/// (frame_time · stride_frame · avg_frame) and <see cref="LagFrames"/> are in correlator frames.
/// </summary>
public sealed record G2File(
    int Rows,
    int Cols,
    double FrameTimeS,
    double[] DelaysS,
    long[] LagFrames,
    double[] G2,
    double[] G2Err,
    double[] QCentersInvA,
    double[] ChiCentersDeg,
    int[] DynamicPixelCounts,
    int[] DynamicRoiMap,
    int[] StaticRoiMap,
    double[] Scattering2d,
    double[] IntensityVsTime)
{
    public int TauCount => DelaysS.Length;
    public int PhiBins => ChiCentersDeg.Length;
    public int BinCount => QCentersInvA.Length * ChiCentersDeg.Length;
    public double G2At(int tau, int bin) => G2[tau * BinCount + bin];
    public double G2ErrAt(int tau, int bin) => G2Err[tau * BinCount + bin];
    public double QOfBin(int bin) => QCentersInvA[bin / PhiBins];
    public double ChiOfBin(int bin) => ChiCentersDeg[bin % PhiBins];

    /// <summary>True for a result file written by another correlator (no /xpcs/cloudxpcs group), e.g. the APS 8-ID-I beamline's.</summary>
    public bool IsBeamlineResult { get; init; }

    /// <summary>Reads and checks a g2.h5 file or an APS 8-ID-I result file; every dataset the layout requires present, with consistent shapes.</summary>
    public static G2File Read(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        if (ContractHdf5.Guard(path, () => file.LinkExists(G2Paths.LegacyLagFrames)))
            throw new DataContractException(path,
                $"is a g2.h5 of the earlier CloudXpcs layout ({G2Paths.LegacyLagFrames}, delay_list in seconds, no /xpcs/qmap hash), " +
                "which is no longer read: correlate the series again ('cloudxpcs correlate') to write the APS 8-ID-I layout");

        var delayList = Hdf5Numbers.Read(file, path, G2Paths.DelayList, 1);
        var g2 = Hdf5Numbers.Read(file, path, G2Paths.NormalizedG2, 2);
        var g2Err = Hdf5Numbers.Read(file, path, G2Paths.NormalizedG2Err, 2);
        var dynamicMap = Hdf5Numbers.Read(file, path, G2Paths.DynamicRoiMap, 2);
        var staticMap = Hdf5Numbers.Read(file, path, G2Paths.StaticRoiMap, 2);
        var numPts = Hdf5Numbers.Read(file, path, G2Paths.DynamicNumPts, 1);
        var indexMapping = Hdf5Numbers.Read(file, path, G2Paths.DynamicIndexMapping, 1);
        var frameTime = Hdf5Numbers.Read(file, path, G2Paths.FrameTime, 0, 1, 2);
        var stride = Hdf5Numbers.Read(file, path, G2Paths.StrideFrame, 0, 1, 2);
        var avg = Hdf5Numbers.Read(file, path, G2Paths.AvgFrame, 0, 1, 2);
        var scattering = Hdf5Numbers.Read(file, path, G2Paths.Scattering2d, 2, 3);
        var intensity = Hdf5Numbers.Read(file, path, G2Paths.IntensityVsTime, 1, 2);

        ulong nTau = delayList.Count, nColumns = g2.Dims[1];
        RequireShape(path, G2Paths.NormalizedG2, g2.Dims, nTau, nColumns);
        RequireShape(path, G2Paths.NormalizedG2Err, g2Err.Dims, nTau, nColumns);
        RequireShape(path, G2Paths.DynamicIndexMapping, indexMapping.Dims, nColumns);
        RequireShape(path, G2Paths.DynamicNumPts, numPts.Dims, 2);
        ulong rows = dynamicMap.Dims[0], cols = dynamicMap.Dims[1];
        RequireShape(path, G2Paths.StaticRoiMap, staticMap.Dims, rows, cols);
        if (scattering.Count != rows * cols)
            throw new DataContractException(path, $"{G2Paths.Scattering2d} has shape {ContractHdf5.Shape(scattering.Dims)}, the detector is {rows} x {cols}");
        foreach (var (name, value) in new[] { (G2Paths.FrameTime, frameTime), (G2Paths.StrideFrame, stride), (G2Paths.AvgFrame, avg) })
        {
            if (value.Count != 1) throw new DataContractException(path, $"{name} has shape {ContractHdf5.Shape(value.Dims)}, expected one value");
            if (!(value.Scalar > 0) || !double.IsFinite(value.Scalar)) throw new DataContractException(path, $"{name} is {value.Scalar:R}, must be positive");
        }
        var lagFrames = new long[nTau];
        for (int t = 0; t < (int)nTau; t++)
        {
            double lag = delayList.Data[t];
            if (lag != Math.Floor(lag) || lag < 0 || (t > 0 && lag <= lagFrames[t - 1]))
                throw new DataContractException(path, $"{G2Paths.DelayList} must hold increasing whole lags in frames (value {t} is {lag:R})");
            lagFrames[t] = (long)lag;
        }
        double[] intensityRow = intensity.Dims.Length == 2 ? intensity.Data[(int)intensity.Dims[1]..] : intensity.Data;
        int[] dynamicRoi = ToInts(dynamicMap.Data);
        int[] staticRoi = ToInts(staticMap.Data);
        foreach (int k in dynamicRoi)
        {
            if (k < 0 || (ulong)k > nColumns)
                throw new DataContractException(path, $"{G2Paths.DynamicRoiMap} holds {k}, outside 0..{nColumns} (the g2 columns)");
        }

        bool cloudxpcs = ContractHdf5.Guard(path, () => file.LinkExists(G2Paths.CloudXpcsGroup));
        return RequireIncreasingDelays(path, cloudxpcs
            ? ReadCloudXpcs(file, path, (int)rows, (int)cols, frameTime.Scalar, lagFrames, (int)nColumns, dynamicRoi, staticRoi)
            : ReadBeamline(path, (int)rows, (int)cols, frameTime.Scalar * stride.Scalar * avg.Scalar, lagFrames, g2, g2Err, numPts,
                indexMapping, dynamicRoi, staticRoi, scattering.Data, intensityRow, file));
    }

    /// <summary>The delays in seconds (read, or lags times a frame time that may overflow) must be finite, positive and increasing.</summary>
    private static G2File RequireIncreasingDelays(string path, G2File g2)
    {
        for (int t = 0; t < g2.DelaysS.Length; t++)
        {
            double d = g2.DelaysS[t];
            if (!double.IsFinite(d) || d <= 0 || (t > 0 && d <= g2.DelaysS[t - 1]))
                throw new DataContractException(path, $"delays in seconds must be finite, positive and increasing (delay {t} is {d:R} s)");
        }
        return g2;
    }

    /// <summary>A CloudXpcs g2.h5: the exact float64 values and the q × χ grid from /xpcs/cloudxpcs.</summary>
    private static G2File ReadCloudXpcs(NativeFile file, string path, int rows, int cols, double frameTimeS, long[] lagFrames, int nColumns,
        int[] dynamicRoi, int[] staticRoi)
    {
        int nTau = lagFrames.Length;
        var delays = Hdf5Numbers.ReadFloat64(file, path, G2Paths.DelayS, 1);
        var g2 = Hdf5Numbers.ReadFloat64(file, path, G2Paths.G2Exact, 2);
        var g2Err = Hdf5Numbers.ReadFloat64(file, path, G2Paths.G2ErrExact, 2);
        var columnBin = Hdf5Numbers.Read(file, path, G2Paths.ColumnBin, 1);
        var columnPixels = Hdf5Numbers.Read(file, path, G2Paths.ColumnPixels, 1);
        var q = Hdf5Numbers.ReadFloat64(file, path, G2Paths.QCenters, 1);
        var chi = Hdf5Numbers.ReadFloat64(file, path, G2Paths.ChiCenters, 1);
        var spd = Hdf5Numbers.Read(file, path, G2Paths.StaticPerDynamic, 0);
        var scattering = Hdf5Numbers.ReadFloat64(file, path, G2Paths.Scattering2dExact, 2);
        var intensity = Hdf5Numbers.ReadFloat64(file, path, G2Paths.IntensityVsTimeExact, 1);
        RequireShape(path, G2Paths.DelayS, delays.Dims, (ulong)nTau);
        RequireShape(path, G2Paths.G2Exact, g2.Dims, (ulong)nTau, (ulong)nColumns);
        RequireShape(path, G2Paths.G2ErrExact, g2Err.Dims, (ulong)nTau, (ulong)nColumns);
        RequireShape(path, G2Paths.ColumnBin, columnBin.Dims, (ulong)nColumns);
        RequireShape(path, G2Paths.ColumnPixels, columnPixels.Dims, (ulong)nColumns);
        RequireShape(path, G2Paths.Scattering2dExact, scattering.Dims, (ulong)rows, (ulong)cols);
        int nBins = q.Data.Length * chi.Data.Length;
        int[] bins = ToInts(columnBin.Data);
        if (bins.Any(b => b < 0 || b >= nBins) || bins.Distinct().Count() != bins.Length)
            throw new DataContractException(path, $"{G2Paths.ColumnBin} must name distinct bins in 0..{nBins - 1}");
        int perDynamic = (int)spd.Scalar;
        var (gridG2, gridErr) = (Grid(g2.Data, nTau, bins, nBins), Grid(g2Err.Data, nTau, bins, nBins));
        var pixels = new int[nBins];
        int[] columnPixelCounts = ToInts(columnPixels.Data);
        for (int k = 0; k < nColumns; k++) pixels[bins[k]] = columnPixelCounts[k];
        var dynamicBinPlusOne = Array.ConvertAll(dynamicRoi, k => k == 0 ? 0 : bins[k - 1] + 1);
        // The static grid cell (iq_static·phi_bins + iχ) back to CloudXpcs's static bin b·spd + sub + 1.
        var staticMapping = Hdf5Numbers.Read(file, path, G2Paths.StaticIndexMapping, 1).Data;
        int phiBins = chi.Data.Length;
        var staticBinPlusOne = Array.ConvertAll(staticRoi, k =>
        {
            if (k == 0) return 0;
            if (k > staticMapping.Length) throw new DataContractException(path, $"{G2Paths.StaticRoiMap} holds {k}, beyond {G2Paths.StaticIndexMapping}");
            int cell = (int)staticMapping[k - 1], iqs = cell / phiBins, ichi = cell % phiBins;
            return ((iqs / perDynamic) * phiBins + ichi) * perDynamic + iqs % perDynamic + 1;
        });
        return new G2File(rows, cols, frameTimeS, delays.Data, lagFrames, gridG2, gridErr, q.Data, chi.Data, pixels,
            dynamicBinPlusOne, staticBinPlusOne, scattering.Data, intensity.Data);
    }

    /// <summary>A result file of another correlator: its q/φ grid is dynamic_num_pts, placed by dynamic_index_mapping.</summary>
    private static G2File ReadBeamline(string path, int rows, int cols, double correlatorFrameTimeS, long[] lagFrames,
        Hdf5Numbers.Values g2, Hdf5Numbers.Values g2Err, Hdf5Numbers.Values numPts, Hdf5Numbers.Values indexMapping,
        int[] dynamicRoi, int[] staticRoi, double[] scattering, double[] intensity, NativeFile file)
    {
        var q = Hdf5Numbers.Read(file, path, G2Paths.DynamicVListDim0, 1);
        var phi = Hdf5Numbers.Read(file, path, G2Paths.DynamicVListDim1, 1);
        int qBins = (int)numPts.Data[0], phiBins = (int)numPts.Data[1];
        RequireShape(path, G2Paths.DynamicVListDim0, q.Dims, (ulong)qBins);
        RequireShape(path, G2Paths.DynamicVListDim1, phi.Dims, (ulong)phiBins);
        int nBins = qBins * phiBins, nTau = lagFrames.Length;
        int[] bins = ToInts(indexMapping.Data);
        if (bins.Any(b => b < 0 || b >= nBins) || bins.Distinct().Count() != bins.Length)
            throw new DataContractException(path, $"{G2Paths.DynamicIndexMapping} must name distinct grid cells in 0..{nBins - 1}");
        var pixels = new int[nBins];
        foreach (int k in dynamicRoi) if (k > 0) pixels[bins[k - 1]]++;
        var dynamicBinPlusOne = Array.ConvertAll(dynamicRoi, k => k == 0 ? 0 : bins[k - 1] + 1);
        var delaysS = lagFrames.Select(l => l * correlatorFrameTimeS).ToArray();
        return new G2File(rows, cols, correlatorFrameTimeS, delaysS, lagFrames, Grid(g2.Data, nTau, bins, nBins), Grid(g2Err.Data, nTau, bins, nBins),
            q.Data, phi.Data, pixels, dynamicBinPlusOne, staticRoi, scattering, intensity) { IsBeamlineResult = true };
    }

    /// <summary>n_tau × n_columns → n_tau × n_bins, NaN in the cells without a column.</summary>
    private static double[] Grid(double[] columns, int nTau, int[] binOfColumn, int nBins)
    {
        var grid = new double[nTau * nBins];
        Array.Fill(grid, double.NaN);
        int nColumns = binOfColumn.Length;
        for (int t = 0; t < nTau; t++)
            for (int k = 0; k < nColumns; k++)
                grid[t * nBins + binOfColumn[k]] = columns[t * nColumns + k];
        return grid;
    }

    private static int[] ToInts(double[] values) => Array.ConvertAll(values, v => (int)v);

    private static void RequireShape(string path, string datasetPath, ulong[] dims, params ulong[] expected)
    {
        if (!dims.SequenceEqual(expected))
            throw new DataContractException(path, $"{datasetPath} has shape {ContractHdf5.Shape(dims)}, expected {ContractHdf5.Shape(expected)}");
    }
}
