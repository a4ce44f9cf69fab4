using System.Numerics;
using System.Runtime.ExceptionServices;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Reads a range of frames of a series with several readers at once, each its own consecutive part of the range and
/// its own open chunk files: the decompression of a batch (deflate, bitshuffle+LZ4, LZ4, Blosc, LZF chunks decode one
/// HDF5 chunk at a time) is spread over the cores. The values are those a single reader reads; a failure is reported
/// as the single reader would report it, from the earliest part that failed.
/// </summary>
public sealed class ParallelFrameReader : IDisposable
{
    private readonly SeriesFrameSource _source;
    private readonly SeriesFrameSource[] _siblings;

    /// <param name="source">The series; read by the calling thread's part, and not disposed by this reader.</param>
    /// <param name="readers">Readers at once (the calling thread's included); at least 1.</param>
    public ParallelFrameReader(SeriesFrameSource source, int readers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readers, 1);
        _source = source;
        _siblings = new SeriesFrameSource[readers - 1];
        for (int i = 0; i < _siblings.Length; i++) _siblings[i] = source.OpenSibling();
    }

    public int Readers => _siblings.Length + 1;

    /// <summary>Frames [<paramref name="firstFrame"/>, +<paramref name="frameCount"/>) into the start of <paramref name="destination"/>.</summary>
    public void Read<TPixel>(int firstFrame, int frameCount, TPixel[] destination) where TPixel : unmanaged, INumber<TPixel>
    {
        int pixels = _source.PixelsPerFrame;
        int parts = Math.Min(Readers, frameCount);
        if (parts <= 1)
        {
            _source.ReadFrames(firstFrame, frameCount, destination.AsSpan(0, checked(frameCount * pixels)));
            return;
        }
        var failures = new ExceptionDispatchInfo?[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int start = (int)((long)frameCount * part / parts), end = (int)((long)frameCount * (part + 1) / parts);
            try
            {
                var reader = part == 0 ? _source : _siblings[part - 1];
                reader.ReadFrames(firstFrame + start, end - start, destination.AsSpan(start * pixels, (end - start) * pixels));
            }
            catch (Exception ex)
            {
                failures[part] = ExceptionDispatchInfo.Capture(ex);
            }
        });
        foreach (var failure in failures) failure?.Throw();
    }

    public void Dispose()
    {
        foreach (var sibling in _siblings) sibling.Dispose();
    }
}
