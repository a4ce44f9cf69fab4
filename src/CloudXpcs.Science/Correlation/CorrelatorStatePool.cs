namespace CloudXpcs.Science.Correlation;

/// <summary>
/// State memory handed from one finished correlator to the next. A worker correlates series after series of the same
/// detector; reusing the pages saves the kernel's zeroing of hundreds of MiB on first touch, which on a VM costs about
/// as much as correlating them. The host (the command-line process, a pipeline worker) owns one pool and passes it to
/// its correlators through <see cref="MultiTauOptions.StatePool"/>; disposing the pool frees what it keeps.
/// </summary>
public sealed class CorrelatorStatePool(long maxRetainedBytes = 1L << 30, int maxRetainedBuffers = 4) : IDisposable
{
    private readonly List<HugePageBuffer> _retained = [];
    private Task _warming = Task.CompletedTask;

    /// <summary>
    /// Makes a buffer of <paramref name="doubles"/> doubles ready, its pages touched, on a background thread, unless one
    /// that large is kept already: a host calls it as soon as it knows a series' size (see
    /// <see cref="MultiTauCorrelator.StateDoublesAtMost"/>), so that the first touch of fresh memory overlaps opening
    /// the series instead of slowing its correlation. <see cref="Rent"/> waits for it.
    /// </summary>
    public void Prewarm(long doubles)
    {
        lock (_retained)
        {
            if (_retained.Any(b => b.Capacity >= doubles) || !_warming.IsCompleted) return;
            _warming = Task.Run(() =>
            {
                var buffer = new HugePageBuffer(doubles);
                buffer.TouchPages();
                Return(buffer);
            });
        }
    }

    /// <summary>
    /// A buffer of at least <paramref name="doubles"/> doubles (contents undefined): the smallest kept one that fits (its
    /// pages touched: <paramref name="touched"/>), else a new one. A renter that leaves a new buffer untouched (the
    /// whole-series path) frees it instead of returning it: <see cref="Prewarm"/> takes a kept buffer for ready.
    /// </summary>
    internal HugePageBuffer Rent(long doubles, out bool touched)
    {
        touched = true;
        Task warming;
        lock (_retained) warming = _warming;
        warming.Wait();
        lock (_retained)
        {
            int best = -1;
            for (int i = 0; i < _retained.Count; i++)
                if (_retained[i].Capacity >= doubles && (best < 0 || _retained[i].Capacity < _retained[best].Capacity)) best = i;
            if (best >= 0)
            {
                var buffer = _retained[best];
                _retained.RemoveAt(best);
                return buffer;
            }
        }
        touched = false;
        return new HugePageBuffer(doubles);
    }

    /// <summary>Keeps a buffer no longer in use; frees the oldest kept ones beyond the limits.</summary>
    internal void Return(HugePageBuffer buffer)
    {
        var freed = new List<HugePageBuffer>();
        lock (_retained)
        {
            _retained.Add(buffer);
            while (_retained.Count > maxRetainedBuffers || _retained.Sum(b => b.Bytes) > maxRetainedBytes)
            {
                freed.Add(_retained[0]);
                _retained.RemoveAt(0);
            }
        }
        foreach (var b in freed) b.Dispose();
    }

    public void Dispose()
    {
        try { _warming.Wait(); } catch (AggregateException) { }
        List<HugePageBuffer> freed;
        lock (_retained)
        {
            freed = [.. _retained];
            _retained.Clear();
        }
        foreach (var b in freed) b.Dispose();
    }
}
