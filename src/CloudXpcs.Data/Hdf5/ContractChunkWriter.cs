using System.Numerics;

namespace CloudXpcs.Data.Hdf5;

/// <summary>Writes one contract chunk file (DATA_CONTRACT section 1.1) in a chosen dtype and storage layout.</summary>
public static class ContractChunkWriter
{
    /// <param name="frames">frames × rows × cols values, row-major; converted exactly to <paramref name="dtype"/>
    /// (a value that is out of range, or not an integer for an integer dtype, is an <see cref="ArgumentException"/>).</param>
    /// <param name="firstFrame">Index in the series of the first frame (the first_frame attribute).</param>
    public static void Write<TIn>(string path, ReadOnlySpan<TIn> frames, int rows, int cols, long firstFrame,
        FrameDType dtype = FrameDType.UInt16, ChunkStorageLayout layout = ChunkStorageLayout.Deflate)
        where TIn : unmanaged, INumberBase<TIn>
    {
        if (rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(rows), "rows and cols must be positive");
        if (frames.IsEmpty || frames.Length % (rows * cols) != 0)
            throw new ArgumentException($"{frames.Length} values is not a positive whole number of {rows} x {cols} frames", nameof(frames));
        var buffer = ChunkPixelBuffer.Create(dtype, frames.Length / (rows * cols), rows, cols);
        buffer.Append(frames);
        buffer.WriteChunkFile(path, firstFrame, layout);
    }
}
