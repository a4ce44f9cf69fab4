using System.Numerics;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of one chunk file in memory, already in the file's dtype, filled frame by frame and then written as
/// a contract chunk file. Holds one chunk, never the series.
/// </summary>
internal abstract class ChunkPixelBuffer
{
    protected ChunkPixelBuffer(int capacityFrames, int rows, int cols)
    {
        CapacityFrames = capacityFrames;
        Rows = rows;
        Cols = cols;
    }

    public int CapacityFrames { get; }
    public int Rows { get; }
    public int Cols { get; }
    public int PixelsPerFrame => Rows * Cols;
    public int FrameCount { get; protected set; }
    public bool IsFull => FrameCount == CapacityFrames;

    public static ChunkPixelBuffer Create(FrameDType dtype, int capacityFrames, int rows, int cols) => dtype switch
    {
        FrameDType.UInt8 => new ChunkPixelBuffer<byte>(capacityFrames, rows, cols),
        FrameDType.Int8 => new ChunkPixelBuffer<sbyte>(capacityFrames, rows, cols),
        FrameDType.UInt16 => new ChunkPixelBuffer<ushort>(capacityFrames, rows, cols),
        FrameDType.Int16 => new ChunkPixelBuffer<short>(capacityFrames, rows, cols),
        FrameDType.UInt32 => new ChunkPixelBuffer<uint>(capacityFrames, rows, cols),
        FrameDType.Int32 => new ChunkPixelBuffer<int>(capacityFrames, rows, cols),
        FrameDType.Float32 => new ChunkPixelBuffer<float>(capacityFrames, rows, cols),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>Appends frames (a whole number of rows·cols values), converting exactly to the file dtype.</summary>
    public abstract void Append<TIn>(ReadOnlySpan<TIn> frames) where TIn : unmanaged, INumberBase<TIn>;

    /// <summary>Writes the buffered frames as a contract chunk file, atomically; the buffer must be full.</summary>
    public abstract void WriteChunkFile(string path, long firstFrame, ChunkStorageLayout layout);
}

internal sealed class ChunkPixelBuffer<TFile> : ChunkPixelBuffer where TFile : unmanaged, INumberBase<TFile>
{
    private readonly TFile[] _values;

    public ChunkPixelBuffer(int capacityFrames, int rows, int cols) : base(capacityFrames, rows, cols)
    {
        if (capacityFrames < 1 || rows < 1 || cols < 1) throw new ArgumentOutOfRangeException(nameof(capacityFrames), "a chunk needs at least one frame of at least one pixel");
        _values = new TFile[checked(capacityFrames * rows * cols)];
    }

    public override void Append<TIn>(ReadOnlySpan<TIn> frames)
    {
        if (frames.Length % PixelsPerFrame != 0)
            throw new ArgumentException($"{frames.Length} values is not a whole number of {Rows} x {Cols} frames", nameof(frames));
        int count = frames.Length / PixelsPerFrame;
        if (FrameCount + count > CapacityFrames)
            throw new InvalidOperationException($"chunk holds {CapacityFrames} frames; {FrameCount + count} appended");
        var target = _values.AsSpan(FrameCount * PixelsPerFrame, frames.Length);
        bool integerFile = typeof(TFile) != typeof(float);
        for (int i = 0; i < frames.Length; i++)
        {
            var v = frames[i];
            if (integerFile && !TIn.IsInteger(v))
                throw new ArgumentException($"value {v} at index {i} is not an integer and cannot be stored as {typeof(TFile).Name}", nameof(frames));
            try
            {
                target[i] = TFile.CreateChecked(v);
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"value {v} at index {i} is out of the range of {typeof(TFile).Name}", nameof(frames));
            }
        }
        FrameCount += count;
    }

    public override void WriteChunkFile(string path, long firstFrame, ChunkStorageLayout layout)
    {
        if (!IsFull) throw new InvalidOperationException($"chunk holds {FrameCount} of {CapacityFrames} frames");
        var (chunks, creation) = layout switch
        {
            ChunkStorageLayout.Contiguous => ((uint[]?)null, default(H5DatasetCreation)),
            ChunkStorageLayout.Chunked => (OneFramePerChunk(), default),
            ChunkStorageLayout.Deflate => (OneFramePerChunk(), new H5DatasetCreation(Filters: [DeflateFilter.Id])),
            ChunkStorageLayout.ShuffleDeflate => (OneFramePerChunk(), new H5DatasetCreation(Filters: [ShuffleFilter.Id, DeflateFilter.Id])),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        var dataset = new H5Dataset(_values, chunks: chunks, fileDims: [(ulong)CapacityFrames, (ulong)Rows, (ulong)Cols], datasetCreation: creation);
        dataset.Attributes[ContractHdf5.FirstFrameAttribute] = firstFrame;
        var file = new H5File { ["entry"] = new H5Group { ["data"] = new H5Group { ["data"] = dataset } } };
        AtomicFile.Write(path, temporaryPath => file.Write(temporaryPath, ContractHdf5.WriteOptions));
    }

    private uint[] OneFramePerChunk() => [1, (uint)Rows, (uint)Cols];
}
