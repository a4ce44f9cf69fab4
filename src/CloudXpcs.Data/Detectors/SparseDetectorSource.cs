using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Data.Detectors;

/// <summary>
/// The frames of a photon-counting detector file as event lists (<see cref="PhotonEventBatch"/>), never expanded to
/// dense frames: Rigaku 500K (<c>.bin</c>), Rigaku 3M (six modules <c>.bin.000</c>..<c>.bin.005</c>) and legacy IMM
/// (dense or compressed). A damaged file is refused with <see cref="DataContractException"/> naming it.
/// </summary>
public sealed class SparseDetectorSource
{
    public const string Rigaku500kFormat = "rigaku-500k";
    public const string Rigaku3MFormat = "rigaku-3m";
    public const string ImmFormat = "imm";
    public static IReadOnlyList<string> Formats { get; } = [Rigaku500kFormat, Rigaku3MFormat, ImmFormat];

    private readonly int[] _frameOffsets;
    private readonly int[] _pixels;
    private readonly int[] _counts;

    internal SparseDetectorSource(string format, int rows, int cols, int[] frameOffsets, int[] pixels, int[] counts)
    {
        Format = format;
        Rows = rows;
        Cols = cols;
        _frameOffsets = frameOffsets;
        _pixels = pixels;
        _counts = counts;
    }

    /// <summary>
    /// Opens a detector file: <paramref name="paths"/> is the one <c>.bin</c> or <c>.imm</c> file, or for the Rigaku 3M
    /// its six module files in any order (or only the <c>.bin.000</c> file, the others beside it).
    /// </summary>
    public static SparseDetectorSource Open(string format, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("no detector file given", nameof(paths));
        var source = format switch
        {
            Rigaku500kFormat when paths.Count == 1 => RigakuBinFile.Read500k(paths[0]),
            Rigaku500kFormat => throw new DataContractException(paths[1], "a Rigaku 500K series is one .bin file"),
            Rigaku3MFormat => RigakuBinFile.Read3M(paths),
            ImmFormat when paths.Count == 1 => ImmFile.Read(paths[0]),
            ImmFormat => throw new DataContractException(paths[1], "an IMM series is one .imm file"),
            _ => throw new DataContractException(paths[0], $"unknown detector format '{format}' (known: {string.Join(", ", Formats)})"),
        };
        source.Paths = paths.ToArray();
        return source;
    }

    /// <summary>The file(s) read, as given to <see cref="Open"/>.</summary>
    public IReadOnlyList<string> Paths { get; private set; } = [];

    public string Format { get; }
    public int Rows { get; }
    public int Cols { get; }
    public int PixelsPerFrame => Rows * Cols;
    public int Frames => _frameOffsets.Length - 1;
    public long EventCount => _frameOffsets[^1];

    /// <summary>
    /// Frames [firstFrame, firstFrame + frameCount) as one batch. A batch from the first frame shares the source's event
    /// arrays (neither side changes them), so a series read as one batch is never copied; later batches get their own.
    /// </summary>
    public PhotonEventBatch ReadEvents(int firstFrame, int frameCount)
    {
        if (firstFrame < 0 || frameCount < 0 || firstFrame + frameCount > Frames)
            throw new ArgumentOutOfRangeException(nameof(frameCount), $"frames [{firstFrame}, {firstFrame + frameCount}) outside the {Frames} frames");
        int start = _frameOffsets[firstFrame], end = _frameOffsets[firstFrame + frameCount];
        if (firstFrame == 0)
            return new PhotonEventBatch(PixelsPerFrame, frameCount == Frames ? _frameOffsets : _frameOffsets[..(frameCount + 1)], _pixels, _counts);
        var offsets = new int[frameCount + 1];
        for (int f = 0; f <= frameCount; f++) offsets[f] = _frameOffsets[firstFrame + f] - start;
        return new PhotonEventBatch(PixelsPerFrame, offsets, _pixels[start..end], _counts[start..end]);
    }

    /// <summary>Batches of up to <paramref name="batchFrames"/> frames, in time order.</summary>
    public IEnumerable<PhotonEventBatch> ReadBatches(int batchFrames)
    {
        if (batchFrames < 1) throw new ArgumentOutOfRangeException(nameof(batchFrames));
        for (int first = 0; first < Frames; first += batchFrames)
            yield return ReadEvents(first, Math.Min(batchFrames, Frames - first));
    }
}
