using System.Numerics;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Writes a series folder (series.json + chunk files) from frames pushed one at a time, as the simulator produces
/// them. Frames are split over the chunks as evenly as possible (<see cref="SeriesManifest.EvenChunkFrames"/>);
/// each chunk file is written (atomically) as soon as it is full, so memory holds one chunk. series.json is written
/// by <see cref="Complete"/>, after the last chunk, so an aborted run never leaves a folder that looks complete.
/// </summary>
public sealed class SeriesFolderWriter
{
    private readonly string _folder;
    private readonly FrameDType _dtype;
    private readonly ChunkStorageLayout _layout;
    private ChunkPixelBuffer? _current;
    private int _chunkIndex;
    private int _framesWritten;
    private bool _completed;

    public SeriesFolderWriter(string seriesFolder, SeriesManifest manifest, FrameDType dtype = FrameDType.UInt16, ChunkStorageLayout layout = ChunkStorageLayout.Deflate)
    {
        manifest.Validate(Path.Combine(seriesFolder, SeriesManifest.FileName));
        _folder = seriesFolder;
        Manifest = manifest;
        _dtype = dtype;
        _layout = layout;
        Directory.CreateDirectory(seriesFolder);
    }

    public SeriesManifest Manifest { get; }
    public int FramesWritten => _framesWritten;

    /// <summary>Appends one frame (rows·cols values, row-major) in any numeric type that converts exactly to the dtype.</summary>
    public void AppendFrame<TIn>(ReadOnlySpan<TIn> frame) where TIn : unmanaged, INumberBase<TIn>
    {
        if (_completed) throw new InvalidOperationException("the series is already complete");
        if (frame.Length != Manifest.PixelsPerFrame)
            throw new ArgumentException($"a frame has {Manifest.PixelsPerFrame} values ({Manifest.Rows} x {Manifest.Cols}), got {frame.Length}", nameof(frame));
        if (_framesWritten >= Manifest.Frames) throw new InvalidOperationException($"series.json declares {Manifest.Frames} frames; one more appended");
        if (_current is null)
        {
            var (_, count) = Manifest.EvenChunkFrames(_chunkIndex);
            _current = ChunkPixelBuffer.Create(_dtype, count, Manifest.Rows, Manifest.Cols);
        }
        _current.Append(frame);
        _framesWritten++;
        if (_current.IsFull)
        {
            var (first, _) = Manifest.EvenChunkFrames(_chunkIndex);
            _current.WriteChunkFile(Path.Combine(_folder, SeriesManifest.ChunkFileName(_chunkIndex)), first, _layout);
            _chunkIndex++;
            // Chunks of the even split differ by at most one frame; a new buffer is made per chunk to keep the
            // capacity exact (the dataset shape is the buffer's).
            _current = null;
        }
    }

    /// <summary>Checks that every declared frame was appended, then writes series.json.</summary>
    public void Complete()
    {
        if (_completed) return;
        if (_framesWritten != Manifest.Frames)
            throw new InvalidOperationException($"series.json declares {Manifest.Frames} frames; {_framesWritten} were appended");
        Manifest.Save(Path.Combine(_folder, SeriesManifest.FileName));
        _completed = true;
    }
}
