using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Makes a read fail when the file does not actually store the data asked for. HDF5 lets a dataset declare any
/// shape and leave chunks (or its contiguous block) unallocated; PureHDF then returns fill values, so a 3.5 KB file
/// can declare 2^22 frames of zeros and keep a correlation busy for hours with data nobody measured. Stored data is
/// recognised by the bytes PureHDF reads through <see cref="StackGuardedStream"/>'s dataset channel.
/// </summary>
internal sealed class StoredDataCheck(StackGuardedStream stream, string path, string datasetPath) : IReadingChunkCache
{
    private readonly IReadingChunkCache _inner = ChunkCache.DefaultReadingChunkCacheFactory();

    public H5DatasetAccess Access => new(ChunkCache: this);

    public Memory<byte> GetChunk(ulong chunkIndex, Func<Memory<byte>> chunkReader) => _inner.GetChunk(chunkIndex, () =>
    {
        long before = stream.DatasetReads;
        var chunk = chunkReader();
        if (stream.DatasetReads == before) throw NotStored($"HDF5 chunk {chunkIndex}");
        return chunk;
    });

    /// <summary>For a contiguous dataset: a non-empty read that took no bytes from the file read nothing stored.</summary>
    public void AfterContiguousRead(long datasetReadsBefore)
    {
        if (stream.DatasetReads == datasetReadsBefore) throw NotStored("its contiguous data block");
    }

    public long DatasetReads => stream.DatasetReads;

    public long FileLength => stream.Length;

    /// <summary>The handle of the file opened (and checked) for reading, when it is a plain file stream.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle? FileHandle => stream.FileHandle;

    private DataContractException NotStored(string what) =>
        new(path, $"{datasetPath} declares data that the file does not store ({what} is unallocated); every frame must be written");
}
