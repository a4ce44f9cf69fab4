using PureHDF;

namespace CloudXpcs.Data.Hdf5;

/// <summary>The optional mask file of a series: dataset /mask, rows × cols uint8, non-zero = use the pixel.</summary>
public static class DetectorMaskFile
{
    public const string DatasetPath = ContractHdf5.MaskDatasetPath;

    /// <summary>Reads the mask (row-major, rows·cols values) and checks its shape and dtype against the detector.</summary>
    public static byte[] Read(string path, int rows, int cols)
    {
        using var file = ContractHdf5.OpenRead(path);
        var dataset = ContractHdf5.RequireDataset(file, path, DatasetPath);
        return ContractHdf5.Guard(path, () =>
        {
            var type = dataset.Type;
            if (type.Class != H5DataTypeClass.FixedPoint || type.Size != 1 || type.FixedPoint.IsSigned)
                throw new DataContractException(path, $"{DatasetPath} must be uint8 (got {type.Class} of {type.Size} bytes{(type.Class == H5DataTypeClass.FixedPoint && type.FixedPoint.IsSigned ? ", signed" : "")})");
            var dims = dataset.Space.Dimensions;
            if (dims.Length != 2 || dims[0] != (ulong)rows || dims[1] != (ulong)cols)
                throw new DataContractException(path, $"{DatasetPath} has shape {ContractHdf5.Shape(dims)}, the detector is ({rows}, {cols})");
            var mask = new byte[rows * cols];
            dataset.Read<byte>(mask.AsSpan());
            return mask;
        });
    }

    /// <summary>Writes a contract mask file (atomically).</summary>
    public static void Write(string path, ReadOnlySpan<byte> mask, int rows, int cols)
    {
        if (mask.Length != rows * cols) throw new ArgumentException($"mask has {mask.Length} values, {rows} x {cols} needed", nameof(mask));
        var data = mask.ToArray();
        AtomicFile.Write(path, temporaryPath =>
            new H5File { ["mask"] = new H5Dataset(data, fileDims: [(ulong)rows, (ulong)cols]) }.Write(temporaryPath, ContractHdf5.WriteOptions));
    }
}
