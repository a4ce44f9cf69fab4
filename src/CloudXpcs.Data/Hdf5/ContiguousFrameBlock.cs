using System.Reflection;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Where an uncompressed contiguous frames dataset keeps its values in its own file: the bytes from
/// <see cref="FileOffset"/> on, frame after frame in the file's little-endian dtype, exactly as the frames are
/// delivered. Such a block can be read by large sequential reads or mapped, bypassing PureHDF's per-selection path.
/// </summary>
internal sealed record ContiguousFrameBlock(long FileOffset, long Length)
{
    // PureHDF 2.2 keeps the layout, filter pipeline, type and superblock internal; if an upgrade renames them every
    // dataset takes the general path (the fast-path tests then fail, nothing reads wrong data).
    private static readonly PropertyInfo? LayoutMessage = typeof(NativeDataset).GetProperty("InternalDataLayout", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly PropertyInfo? FilterPipeline = typeof(NativeDataset).GetProperty("InternalFilterPipeline", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly PropertyInfo? TypeMessage = typeof(NativeDataset).GetProperty("InternalDataType", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly PropertyInfo? Context = typeof(NativeObject).GetProperty("Context", BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>Whether the dataset's data pass through a filter pipeline (true when that cannot be told).</summary>
    public static bool HasFilters(NativeDataset dataset) =>
        FilterPipeline is null || FilterPipeline.GetValue(dataset) is not null;

    /// <summary>
    /// The block of <paramref name="dataset"/> when it is contiguous, unfiltered, little-endian, stored in
    /// <paramref name="file"/> itself (not through a link to another file) and holds exactly
    /// <paramref name="values"/> values of <paramref name="dtype"/> inside the file's <paramref name="fileLength"/>
    /// bytes; otherwise null (the general reader then reads it, and reports whatever is wrong with it).
    /// </summary>
    public static ContiguousFrameBlock? Locate(NativeFile file, NativeDataset dataset, FrameDType dtype, long values, long fileLength)
    {
        try
        {
            if (dataset.Layout.Class != PureHDF.H5DataLayoutClass.Contiguous) return null;
            if (LayoutMessage is null || FilterPipeline is null || TypeMessage is null || Context is null) return null;
            if (FilterPipeline.GetValue(dataset) is not null) return null;
            var context = Context.GetValue(dataset);
            if (context?.GetType().GetProperty("File")?.GetValue(context) is not NativeFile owner || !ReferenceEquals(owner, file)) return null;
            var type = TypeMessage.GetValue(dataset);
            var bitField = type?.GetType().GetProperty("BitField")?.GetValue(type);
            if (bitField?.GetType().GetProperty("ByteOrder")?.GetValue(bitField)?.ToString() != "LittleEndian") return null;
            var layout = LayoutMessage.GetValue(dataset);
            var properties = layout?.GetType().GetProperty("Properties")?.GetValue(layout);
            if (properties is null || properties.GetType().Name != "ContiguousStoragePropertyDescription") return null;
            ulong address = (ulong)properties.GetType().GetProperty("Address")!.GetValue(properties)!;
            ulong size = (ulong)properties.GetType().GetProperty("Size")!.GetValue(properties)!;
            var superblock = context.GetType().GetProperty("Superblock")?.GetValue(context);
            if (superblock?.GetType().GetProperty("BaseAddress")?.GetValue(superblock) is not ulong baseAddress) return null;
            ulong expected = (ulong)values * (ulong)dtype.ByteSize();
            if (address == ulong.MaxValue || size != expected) return null; // unallocated, or not the declared frames
            ulong offset = baseAddress + address;
            if (offset < baseAddress || offset > long.MaxValue || offset + size < offset || offset + size > (ulong)fileLength) return null;
            return new ContiguousFrameBlock((long)offset, (long)size);
        }
        catch (Exception ex) when (ex is InvalidCastException or TargetInvocationException or NullReferenceException)
        {
            return null;
        }
    }
}
