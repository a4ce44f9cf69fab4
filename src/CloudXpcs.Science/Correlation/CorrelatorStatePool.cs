namespace CloudXpcs.Science.Correlation;

/// <summary>
/// State memory handed from one finished correlator to the next in the same process. A worker correlates series
/// after series of the same detector; reusing the pages saves the kernel's zeroing of hundreds of MiB on first touch,
/// which on a VM costs about as much as correlating them.
/// </summary>
internal static class CorrelatorStatePool
{
    /// <summary>At most this much memory is kept for later correlators.</summary>
    private const long MaxRetainedBytes = 1L << 30;
    private const int MaxRetainedBuffers = 4;
    private static readonly List<HugePageBuffer> Retained = [];

    /// <summary>A buffer of at least <paramref name="doubles"/> doubles (contents undefined): the smallest kept one that fits, else a new one.</summary>
    public static HugePageBuffer Rent(long doubles)
    {
        lock (Retained)
        {
            int best = -1;
            for (int i = 0; i < Retained.Count; i++)
                if (Retained[i].Capacity >= doubles && (best < 0 || Retained[i].Capacity < Retained[best].Capacity)) best = i;
            if (best >= 0)
            {
                var buffer = Retained[best];
                Retained.RemoveAt(best);
                return buffer;
            }
        }
        return new HugePageBuffer(doubles);
    }

    /// <summary>Keeps a buffer no longer in use; frees the oldest kept ones beyond the limits.</summary>
    public static void Return(HugePageBuffer buffer)
    {
        var freed = new List<HugePageBuffer>();
        lock (Retained)
        {
            Retained.Add(buffer);
            while (Retained.Count > MaxRetainedBuffers || Retained.Sum(b => b.Bytes) > MaxRetainedBytes)
            {
                freed.Add(Retained[0]);
                Retained.RemoveAt(0);
            }
        }
        foreach (var b in freed) b.Dispose();
    }
}
