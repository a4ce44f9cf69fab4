namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The automatic choice in the other direction: event batches in which many pixels count (mean 1 counts per pixel per
/// frame: 63 % of pixel-frames) are put into dense 16-bit frames and go through the dense kernels, which at such
/// occupancies are several times faster than event lists (bench/sparse-correlation.sh: at mean 0.1 the event path took
/// 1.55 s against 0.57 s dense; at mean 1, more than 2^27 events, 92.5 s through the streaming event path against
/// 1.9 s dense). Applies where the whole-series event path has ended (a dense batch came, or more than
/// <see cref="MaxHeldEvents"/> events), with <see cref="MultiTauOptions.EventPathForSparseFrames"/> on. Counts are
/// integers either way, so the result is the same bit for bit.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    // Between the measured points: the event path is ahead at 1 % non-zero pixel-frames (mean 0.01) and behind at 9.5 %
    // (mean 0.1).
    private const double DenseEventShare = 0.04;
    private ushort[] _denseEventFrames = [];

    /// <summary>Correlates the batch through the dense kernels when enough of its pixel-frames count; false (nothing done) otherwise.</summary>
    private bool TryAddEventsAsDenseFrames(PhotonEventBatch batch)
    {
        int pixels = _qmap.PixelCount, n = batch.FrameCount;
        if (!_eventPathForSparseFrames || batch.EventCount < DenseEventShare * pixels * n) return false;
        foreach (int count in batch.Counts)
            if (count > ushort.MaxValue) return false;
        int frames = Math.Min(n, MaxSubBatchFrames);
        if (_denseEventFrames.Length < (long)frames * pixels) _denseEventFrames = new ushort[(long)frames * pixels];
        var buffer = _denseEventFrames;
        for (int first = 0; first < n; first += frames)
        {
            int count = Math.Min(frames, n - first), from = first;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, t =>
            {
                var frame = buffer.AsSpan(t * pixels, pixels);
                frame.Clear();
                var framePixels = batch.FramePixels(from + t);
                var frameCounts = batch.FrameCounts(from + t);
                for (int e = 0; e < framePixels.Length; e++) frame[framePixels[e]] = (ushort)frameCounts[e];
            });
            AddSubBatch<ushort>(buffer.AsSpan(0, count * pixels), count);
        }
        GC.KeepAlive(_stateMemory);
        return true;
    }
}
