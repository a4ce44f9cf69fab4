namespace CloudXpcs.Data.Hdf5;

public sealed partial class SeriesFrameSource
{
    /// <summary>
    /// Chunk <paramref name="chunkIndex"/> mapped into memory when its frames can be handed out as they are stored: an
    /// uncompressed contiguous dataset whose unsigned dtype is the series' <see cref="PixelType"/> (uint16 or uint32;
    /// unsigned counts need no value check); otherwise null, and the chunk is read with <see cref="ReadFrames{TPixel}"/>.
    /// The file is opened and checked as for reading (confinement, header against the series). Thread-safe.
    /// </summary>
    public MappedFrameBlock? TryMapChunk(int chunkIndex)
    {
        var chunk = _chunks[chunkIndex];
        bool sameType = (chunk.DType, PixelType) is (FrameDType.UInt16, FramePixelType.UInt16) or (FrameDType.UInt32, FramePixelType.UInt32);
        if (!sameType) return null;
        using var reader = OpenChecked(chunk);
        return reader.IsMappable ? reader.MapFrames() : null;
    }

    private bool? _anyChunkCompressed;

    /// <summary>Whether a chunk stores its frames through an HDF5 filter (compression); opens the chunks' headers on first use.</summary>
    public bool AnyChunkCompressed => _anyChunkCompressed ??= _chunks.Any(chunk =>
    {
        using var reader = ChunkFileReader.Open(chunk.Path);
        return reader.IsCompressed;
    });
}
