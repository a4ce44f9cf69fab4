using PureHDF;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The contents of a g2.h5 file (DATA_CONTRACT section 5.1), as read back for fitting. Matrices are row-major
/// n_tau × n_bins; dynamic bin b = iq·phi_bins + iχ, so q of bin b is QCentersInvA[b / phi_bins].
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

    /// <summary>Reads and checks a g2.h5 file: every dataset of section 5.1 present, with consistent shapes and dtypes.</summary>
    public static G2File Read(string path)
    {
        using var file = ContractHdf5.OpenRead(path);
        var frameTime = ReadArray<double>(file, path, G2Paths.FrameTime, rank: 0);
        var delays = ReadArray<double>(file, path, G2Paths.DelayList, rank: 1);
        var lags = ReadArray<long>(file, path, G2Paths.LagFrames, rank: 1);
        var g2 = ReadArray<double>(file, path, G2Paths.NormalizedG2, rank: 2);
        var g2Err = ReadArray<double>(file, path, G2Paths.NormalizedG2Err, rank: 2);
        var qCenters = ReadArray<double>(file, path, G2Paths.DynamicVListDim0, rank: 1);
        var chiCenters = ReadArray<double>(file, path, G2Paths.DynamicVListDim1, rank: 1);
        var numPts = ReadArray<int>(file, path, G2Paths.DynamicNumPts, rank: 1);
        var dynamicMap = ReadArray<int>(file, path, G2Paths.DynamicRoiMap, rank: 2);
        var staticMap = ReadArray<int>(file, path, G2Paths.StaticRoiMap, rank: 2);
        var scattering = ReadArray<double>(file, path, G2Paths.Scattering2d, rank: 2);
        var intensity = ReadArray<double>(file, path, G2Paths.IntensityVsTime, rank: 1);

        ulong nTau = delays.Dims[0], nBins = qCenters.Dims[0] * chiCenters.Dims[0];
        RequireShape(path, G2Paths.LagFrames, lags.Dims, nTau);
        RequireShape(path, G2Paths.NormalizedG2, g2.Dims, nTau, nBins);
        RequireShape(path, G2Paths.NormalizedG2Err, g2Err.Dims, nTau, nBins);
        RequireShape(path, G2Paths.DynamicNumPts, numPts.Dims, nBins);
        ulong rows = dynamicMap.Dims[0], cols = dynamicMap.Dims[1];
        RequireShape(path, G2Paths.StaticRoiMap, staticMap.Dims, rows, cols);
        RequireShape(path, G2Paths.Scattering2d, scattering.Dims, rows, cols);
        foreach (int b in dynamicMap.Values)
        {
            if (b < 0 || (ulong)b > nBins)
                throw new DataContractException(path, $"{G2Paths.DynamicRoiMap} holds {b}, outside 0..{nBins}");
        }
        return new G2File((int)rows, (int)cols, frameTime.Values[0], delays.Values, lags.Values, g2.Values, g2Err.Values,
            qCenters.Values, chiCenters.Values, numPts.Values, dynamicMap.Values, staticMap.Values, scattering.Values, intensity.Values);
    }

    private static (T[] Values, ulong[] Dims) ReadArray<T>(NativeFile file, string path, string datasetPath, int rank) where T : unmanaged
    {
        var dataset = ContractHdf5.RequireDataset(file, path, datasetPath);
        return ContractHdf5.Guard(path, () =>
        {
            var (typeClass, size, signed, name) = typeof(T) == typeof(double) ? (H5DataTypeClass.FloatingPoint, 8, true, "float64")
                : typeof(T) == typeof(long) ? (H5DataTypeClass.FixedPoint, 8, true, "int64")
                : (H5DataTypeClass.FixedPoint, 4, true, "int32");
            var type = dataset.Type;
            bool matches = type.Class == typeClass && type.Size == size && (typeClass != H5DataTypeClass.FixedPoint || type.FixedPoint.IsSigned == signed);
            if (!matches) throw new DataContractException(path, $"{datasetPath} must be {name} (got {type.Class} of {type.Size} bytes)");
            var dims = dataset.Space.Dimensions;
            if (dims.Length != rank) throw new DataContractException(path, $"{datasetPath} has shape {ContractHdf5.Shape(dims)}, expected {rank} dimensions");
            ulong count = dims.Aggregate(1UL, (a, b) => a * b);
            if (count > int.MaxValue) throw new DataContractException(path, $"{datasetPath} is too large ({count} values)");
            var values = new T[count];
            dataset.Read<T>(values.AsSpan());
            return (values, dims);
        });
    }

    private static void RequireShape(string path, string datasetPath, ulong[] dims, params ulong[] expected)
    {
        if (!dims.SequenceEqual(expected))
            throw new DataContractException(path, $"{datasetPath} has shape {ContractHdf5.Shape(dims)}, expected {ContractHdf5.Shape(expected)}");
    }
}
