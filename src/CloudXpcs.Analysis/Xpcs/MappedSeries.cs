using System.Diagnostics;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>
/// Every chunk of a series memory-mapped at once, for the correlator's whole-series path
/// (<see cref="MultiTauCorrelator.CorrelateWholeSeries{T}"/>): the pages are populated on other threads while the
/// q-map and correlator are set up.
/// </summary>
internal sealed class MappedSeries : IDisposable
{
    private readonly List<MappedFrameBlock> _blocks;
    private readonly Task _populated;
    private double _populateS;

    private MappedSeries(List<MappedFrameBlock> blocks)
    {
        _blocks = blocks;
        _populated = Parallel.ForEachAsync(blocks, (block, _) =>
        {
            long started = Stopwatch.GetTimestamp();
            block.Populate();
            lock (_blocks) _populateS += CorrelationStageTimes.Since(started);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Every chunk mapped, or null (nothing kept mapped) when one of them cannot be, the chunks are too short to pay, or
    /// the series is larger than half the memory: each column block reads every frame, so the frames must stay in the
    /// page cache from the first block to the last (the streaming path reads them once).
    /// </summary>
    public static MappedSeries? TryMap(SeriesFrameSource source)
    {
        var chunks = source.Chunks;
        if (chunks.Count == 0 || chunks.Any(c => c.FrameCount < SeriesFrameBatches.MinMappedChunkFrames)) return null;
        var blocks = new List<MappedFrameBlock>(chunks.Count);
        bool kept = false;
        try
        {
            for (int k = 0; k < chunks.Count; k++)
            {
                if (source.TryMapChunk(k) is not { } block) return null;
                blocks.Add(block);
            }
            if (blocks.Sum(b => b.Length) > GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2) return null;
            kept = true;
            return new MappedSeries(blocks);
        }
        finally
        {
            if (!kept) foreach (var b in blocks) b.Dispose();
        }
    }

    /// <summary>Correlates the mapped frames into <paramref name="correlator"/> (which is finished afterwards).</summary>
    public unsafe void Correlate<T>(MultiTauCorrelator correlator, CorrelationStageTimes? times, IProgress<long>? framesDone) where T : unmanaged, System.Numerics.INumberBase<T>
    {
        long waiting = Stopwatch.GetTimestamp();
        _populated.GetAwaiter().GetResult();
        if (times is not null)
        {
            times.ReadWaitS += CorrelationStageTimes.Since(waiting);
            times.ReadS += _populateS;
            times.MappedChunks += _blocks.Count;
        }
        long started = Stopwatch.GetTimestamp();
        var addresses = new List<FrameBlockAddress>(_blocks.Count);
        foreach (var block in _blocks)
            fixed (T* data = block.Frames<T>(0, block.FrameCount)) addresses.Add(new FrameBlockAddress((nint)data, block.FrameCount));
        bool columnBlocks = correlator.CorrelateWholeSeries<T>(addresses, framesDone);
        if (times is null) return;
        times.CorrelateS += CorrelationStageTimes.Since(started);
        times.WholeSeries = columnBlocks;
    }

    public void Dispose()
    {
        // The populating threads must be done with the blocks before they are unmapped.
        try { _populated.GetAwaiter().GetResult(); } catch (Exception) { }
        foreach (var block in _blocks) block.Dispose();
    }
}
