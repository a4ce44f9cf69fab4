namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// A run of consecutive frames of a series, FrameCount × rows × cols values (row-major), in the element type of
/// <see cref="PixelType"/>. Batches from <see cref="SeriesFrameSource.ReadBatches"/> share one buffer:
/// a batch's data is valid until the enumeration moves on.
/// </summary>
public sealed class FrameBatch
{
    private readonly Array _buffer;

    internal FrameBatch(FramePixelType pixelType, int pixelsPerFrame, int capacityFrames)
    {
        PixelType = pixelType;
        PixelsPerFrame = pixelsPerFrame;
        CapacityFrames = capacityFrames;
        int length = checked(pixelsPerFrame * capacityFrames);
        _buffer = pixelType switch
        {
            FramePixelType.UInt16 => new ushort[length],
            FramePixelType.UInt32 => new uint[length],
            _ => new float[length],
        };
    }

    public FramePixelType PixelType { get; }
    public int PixelsPerFrame { get; }
    public int CapacityFrames { get; }
    /// <summary>Index in the series of the batch's first frame.</summary>
    public int FirstFrame { get; internal set; }
    public int FrameCount { get; internal set; }

    public ReadOnlySpan<ushort> UInt16Pixels => Pixels<ushort>();
    public ReadOnlySpan<uint> UInt32Pixels => Pixels<uint>();
    public ReadOnlySpan<float> Float32Pixels => Pixels<float>();

    /// <summary>The batch's values; <typeparamref name="T"/> must be the element type of <see cref="PixelType"/>.</summary>
    public ReadOnlySpan<T> Pixels<T>() where T : unmanaged => Writable<T>()[..(FrameCount * PixelsPerFrame)];

    /// <summary>One frame of the batch (rows·cols values).</summary>
    public ReadOnlySpan<T> Frame<T>(int frameInBatch) where T : unmanaged
    {
        if ((uint)frameInBatch >= (uint)FrameCount) throw new ArgumentOutOfRangeException(nameof(frameInBatch));
        return Writable<T>().Slice(frameInBatch * PixelsPerFrame, PixelsPerFrame);
    }

    internal Span<T> Writable<T>() where T : unmanaged =>
        _buffer.GetType() == typeof(T[])
            ? (T[])_buffer
            : throw new InvalidOperationException($"this batch holds {PixelType} pixels, not {typeof(T).Name}");
}
