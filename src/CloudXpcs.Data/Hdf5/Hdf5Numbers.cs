using PureHDF;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Reads a numeric dataset of any integer or floating-point HDF5 type as double, for result files written by other
/// programs (boost_corr writes uint8/uint16 index maps, float32 matrices and a (1, 1) float32 frame time).
/// </summary>
public static class Hdf5Numbers
{
    public sealed record Values(double[] Data, ulong[] Dims)
    {
        public ulong Count => (ulong)Data.LongLength;
        public double Scalar => Data[0];
    }

    /// <summary>The dataset's values as double; a contract error naming the file when missing, not numeric, or of another rank.</summary>
    /// <param name="ranks">Accepted ranks (dimensions).</param>
    public static Values Read(NativeFile file, string path, string datasetPath, params int[] ranks)
    {
        var dataset = ContractHdf5.RequireDataset(file, path, datasetPath);
        return ContractHdf5.Guard(path, () =>
        {
            var dims = dataset.Space.Dimensions;
            if (ranks.Length > 0 && !ranks.Contains(dims.Length))
                throw new DataContractException(path, $"{datasetPath} has shape {ContractHdf5.Shape(dims)}, expected {string.Join(" or ", ranks)} dimensions");
            ulong count = dims.Aggregate(1UL, (a, b) => a * b);
            if (count > int.MaxValue) throw new DataContractException(path, $"{datasetPath} is too large ({count} values)");
            if (count == 0) throw new DataContractException(path, $"{datasetPath} is empty");
            var type = dataset.Type;
            int size = type.Size;
            double[] data = type.Class switch
            {
                H5DataTypeClass.FloatingPoint when size == 8 => ReadAs<double>(dataset, count, v => v),
                H5DataTypeClass.FloatingPoint when size == 4 => ReadAs<float>(dataset, count, v => v),
                H5DataTypeClass.FixedPoint when type.FixedPoint.IsSigned => size switch
                {
                    1 => ReadAs<sbyte>(dataset, count, v => v),
                    2 => ReadAs<short>(dataset, count, v => v),
                    4 => ReadAs<int>(dataset, count, v => v),
                    8 => ReadAs<long>(dataset, count, v => v),
                    _ => throw NotNumeric(path, datasetPath, type),
                },
                H5DataTypeClass.FixedPoint => size switch
                {
                    1 => ReadAs<byte>(dataset, count, v => v),
                    2 => ReadAs<ushort>(dataset, count, v => v),
                    4 => ReadAs<uint>(dataset, count, v => v),
                    8 => ReadAs<ulong>(dataset, count, v => v),
                    _ => throw NotNumeric(path, datasetPath, type),
                },
                _ => throw NotNumeric(path, datasetPath, type),
            };
            return new Values(data, dims);
        });
    }

    /// <summary>A float64 dataset read without conversion (CloudXpcs's exact values), else a contract error.</summary>
    public static Values ReadFloat64(NativeFile file, string path, string datasetPath, params int[] ranks)
    {
        var dataset = ContractHdf5.RequireDataset(file, path, datasetPath);
        var type = ContractHdf5.Guard(path, () => dataset.Type);
        if (type.Class != H5DataTypeClass.FloatingPoint || type.Size != 8)
            throw new DataContractException(path, $"{datasetPath} must be float64 (got {type.Class} of {type.Size} bytes)");
        return Read(file, path, datasetPath, ranks);
    }

    private static double[] ReadAs<T>(NativeDataset dataset, ulong count, Func<T, double> convert) where T : unmanaged
    {
        var raw = new T[count];
        dataset.Read<T>(raw.AsSpan());
        return Array.ConvertAll(raw, v => convert(v));
    }

    private static DataContractException NotNumeric(string path, string datasetPath, IH5DataType type) =>
        new(path, $"{datasetPath} is not numeric (got {type.Class} of {type.Size} bytes)");
}
