using PureHDF;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>Dataset paths of the contract and the one place where PureHDF failures become contract errors.</summary>
internal static class ContractHdf5
{
    public const string FramesDatasetPath = "/entry/data/data";
    public const string FirstFrameAttribute = "first_frame";
    public const string MaskDatasetPath = "/mask";

    /// <summary>
    /// PureHDF would store small unchunked datasets in the compact layout; the contract names contiguous, so
    /// every file written here asks for contiguous (or chunked, where a dataset is given chunks).
    /// </summary>
    public static H5WriteOptions WriteOptions { get; } = new(PreferCompactDatasetLayout: false);

    /// <summary>Opens an HDF5 file for reading (a regular file, confined: see <see cref="Hdf5Confinement"/>); anything
    /// PureHDF cannot parse becomes "not a readable HDF5 file".</summary>
    public static NativeFile OpenRead(string path)
    {
        Filters.DetectorFilters.EnsureRegistered();
        return Hdf5Confinement.OpenRead(path);
    }

    public static DataContractException NotReadable(string path, Exception ex) =>
        new(path, $"not a readable HDF5 file: {ErrorText.Describe(ex)}", ex);

    /// <summary>Runs a PureHDF call on an open file; unexpected failures (corrupt or truncated data) become contract errors.</summary>
    public static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is not DataContractException)
        {
            throw NotReadable(path, ex);
        }
    }

    /// <summary>The dataset at <paramref name="datasetPath"/>, or a contract error naming the file and the missing path.</summary>
    public static NativeDataset RequireDataset(NativeFile file, string path, string datasetPath, bool allowVirtual = false)
    {
        var dataset = Guard(path, () => Hdf5Confinement.Resolve(file, path, () =>
        {
            if (!file.LinkExists(datasetPath)) throw new DataContractException(path, $"dataset {datasetPath} not found");
            return file.Get(datasetPath) as NativeDataset
                ?? throw new DataContractException(path, $"{datasetPath} is not a dataset");
        }));
        Hdf5Confinement.CheckStorage(file, dataset, path, datasetPath, allowVirtual);
        Filters.DetectorFilters.CheckSupported(dataset, path, datasetPath);
        return dataset;
    }

    public static string Shape(ulong[] dims) => "(" + string.Join(", ", dims) + ")";
}
