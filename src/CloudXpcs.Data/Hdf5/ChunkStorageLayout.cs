namespace CloudXpcs.Data.Hdf5;

/// <summary>How <see cref="ContractChunkWriter"/> stores the frames dataset. Chunked layouts use one frame per HDF5 chunk.</summary>
public enum ChunkStorageLayout
{
    Contiguous,
    Chunked,
    Deflate,
    ShuffleDeflate,
}
