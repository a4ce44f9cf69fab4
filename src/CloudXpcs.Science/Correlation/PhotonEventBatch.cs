namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Consecutive detector frames as event lists (compressed sparse rows): the events of frame f are
/// [FrameOffsets[f], FrameOffsets[f + 1]), each a row-major pixel index and its count. Within a frame the pixel
/// indices increase strictly; a pixel not listed has count 0. Equal to the dense frames with these counts.
/// </summary>
public sealed class PhotonEventBatch
{
    private readonly int[] _frameOffsets;
    private readonly int[] _pixels;
    private readonly int[] _counts;

    /// <summary>Takes the arrays as they are (no copy) after checking the layout; throws <see cref="ArgumentException"/> naming the first fault.</summary>
    public PhotonEventBatch(int pixelsPerFrame, int[] frameOffsets, int[] pixels, int[] counts)
    {
        if (pixelsPerFrame < 1) throw new ArgumentOutOfRangeException(nameof(pixelsPerFrame));
        if (frameOffsets.Length < 1 || frameOffsets[0] != 0) throw new ArgumentException("frame offsets must start at 0", nameof(frameOffsets));
        int events = frameOffsets[^1];
        if (events > pixels.Length || events > counts.Length)
            throw new ArgumentException($"frame offsets end at {events} but there are {Math.Min(pixels.Length, counts.Length)} events");
        for (int f = 0; f + 1 < frameOffsets.Length; f++)
        {
            int start = frameOffsets[f], end = frameOffsets[f + 1];
            if (end < start) throw new ArgumentException($"frame offsets decrease at frame {f}");
            int previous = -1;
            for (int e = start; e < end; e++)
            {
                int p = pixels[e];
                if (p <= previous || p >= pixelsPerFrame)
                    throw new ArgumentException(p >= pixelsPerFrame
                        ? $"frame {f}: pixel {p} is outside the {pixelsPerFrame}-pixel frame"
                        : $"frame {f}: pixel indices do not increase strictly at pixel {p}");
                if (counts[e] < 0) throw new ArgumentException($"frame {f}: pixel {p} has negative count {counts[e]}");
                previous = p;
            }
        }
        PixelsPerFrame = pixelsPerFrame;
        _frameOffsets = frameOffsets;
        _pixels = pixels;
        _counts = counts;
    }

    public int PixelsPerFrame { get; }
    public int FrameCount => _frameOffsets.Length - 1;
    public int EventCount => _frameOffsets[^1];

    /// <summary>FrameCount + 1 offsets into <see cref="Pixels"/> and <see cref="Counts"/>.</summary>
    public ReadOnlySpan<int> FrameOffsets => _frameOffsets;
    public ReadOnlySpan<int> Pixels => _pixels.AsSpan(0, EventCount);
    public ReadOnlySpan<int> Counts => _counts.AsSpan(0, EventCount);

    public ReadOnlySpan<int> FramePixels(int frame) => _pixels.AsSpan(_frameOffsets[frame], _frameOffsets[frame + 1] - _frameOffsets[frame]);
    public ReadOnlySpan<int> FrameCounts(int frame) => _counts.AsSpan(_frameOffsets[frame], _frameOffsets[frame + 1] - _frameOffsets[frame]);

    /// <summary>The non-zero pixels of dense frames (row-major, frames one after the other).</summary>
    public static PhotonEventBatch FromDense(ReadOnlySpan<ushort> frames, int pixelsPerFrame)
    {
        if (frames.Length % pixelsPerFrame != 0) throw new ArgumentException("not a whole number of frames");
        int n = frames.Length / pixelsPerFrame;
        int events = 0;
        foreach (var v in frames) if (v != 0) events++;
        var offsets = new int[n + 1];
        var pixels = new int[events];
        var counts = new int[events];
        int e = 0;
        for (int f = 0; f < n; f++)
        {
            var frame = frames.Slice(f * pixelsPerFrame, pixelsPerFrame);
            for (int p = 0; p < frame.Length; p++)
            {
                if (frame[p] == 0) continue;
                pixels[e] = p;
                counts[e++] = frame[p];
            }
            offsets[f + 1] = e;
        }
        return new PhotonEventBatch(pixelsPerFrame, offsets, pixels, counts);
    }

    /// <summary>The dense frames (FrameCount × PixelsPerFrame counts); for tests and small batches.</summary>
    public int[] ToDense()
    {
        var dense = new int[(long)FrameCount * PixelsPerFrame];
        for (int f = 0; f < FrameCount; f++)
            for (int e = _frameOffsets[f]; e < _frameOffsets[f + 1]; e++)
                dense[(long)f * PixelsPerFrame + _pixels[e]] = _counts[e];
        return dense;
    }
}
