using System.Collections;
using System.Reflection;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5.Filters;

/// <summary>
/// The HDF5 compression filters CloudXpcs decodes beyond PureHDF's own (deflate, shuffle, Fletcher-32, N-bit,
/// scale-offset): those area detectors write (LZ4, bitshuffle with LZ4 or Zstd, Blosc) and h5py's LZF. A dataset
/// using any other filter is refused before its data is read, naming the filter id.
/// </summary>
internal static class DetectorFilters
{
    private static readonly Lazy<bool> Registration = new(() =>
    {
        H5Filter.Register(new LzfFilter());
        H5Filter.Register(new Lz4HdfFilter());
        H5Filter.Register(new BitshuffleFilter());
        H5Filter.Register(new BloscFilter());
        return true;
    });

    /// <summary>Ids decoded: PureHDF's built-in filters and the ones registered here.</summary>
    public static readonly IReadOnlyDictionary<ushort, string> Supported = new Dictionary<ushort, string>
    {
        [1] = "deflate", [2] = "shuffle", [3] = "fletcher32", [5] = "nbit", [6] = "scaleoffset",
        [LzfFilter.Id] = "lzf", [BloscFilter.Id] = "blosc", [Lz4HdfFilter.Id] = "lz4", [BitshuffleFilter.Id] = "bitshuffle",
    };

    public static void EnsureRegistered() => _ = Registration.Value;

    // PureHDF 2.2 keeps a dataset's filter pipeline internal; the unknown-filter test fails if an upgrade renames it.
    private static readonly PropertyInfo FilterPipeline = typeof(NativeDataset).GetProperty("InternalFilterPipeline", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("PureHDF: NativeDataset.InternalFilterPipeline not found; the HDF5 filter check needs updating");

    /// <summary>Refuses a dataset whose filter pipeline names a filter not in <see cref="Supported"/>.</summary>
    public static void CheckSupported(NativeDataset dataset, string path, string datasetPath)
    {
        if (FilterPipeline.GetValue(dataset) is not { } pipeline) return;
        if (pipeline.GetType().GetProperty("FilterDescriptions")?.GetValue(pipeline) is not IEnumerable filters) return;
        foreach (var filter in filters)
        {
            var type = filter.GetType();
            ushort id = (ushort)type.GetProperty("Identifier")!.GetValue(filter)!;
            if (Supported.ContainsKey(id)) continue;
            string? name = type.GetProperty("Name")?.GetValue(filter) as string;
            string named = string.IsNullOrWhiteSpace(name) ? "" : $" ('{name}')";
            throw new DataContractException(path,
                $"{datasetPath} is compressed with HDF5 filter id {id}{named}, which CloudXpcs cannot decode (supported ids: {string.Join(", ", Supported.Select(f => $"{f.Key} {f.Value}"))})");
        }
    }
}
