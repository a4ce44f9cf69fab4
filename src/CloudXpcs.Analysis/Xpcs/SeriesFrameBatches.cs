using CloudXpcs.Science.Correlation;
using System.Diagnostics;
using System.Numerics;
using CloudXpcs.Data.Hdf5;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>Receives the frames of a series in order; <paramref name="frames"/> is valid only during the call.</summary>
internal delegate void FramesConsumer<T>(ReadOnlySpan<T> frames, int framesAfter) where T : unmanaged;

/// <summary>
/// The frames of a series handed to the correlators in order, the next frames made ready on another thread while the
/// current ones are correlated. Uncompressed contiguous chunks are memory-mapped and handed out as stored (no copy,
/// no fresh memory); other series are read through the HDF5 library into two buffers reused batch after batch and,
/// through <see cref="BufferCache"/>, series after series.
/// </summary>
internal static class SeriesFrameBatches
{
    // Mapping pays off for chunks of many frames; a series of many tiny chunks is read in batches spanning chunks.
    internal const int MinMappedChunkFrames = 64;
    private const int MaxMappedBatchFrames = 2048;

    /// <summary>Frames per batch of the buffered path: about <see cref="SeriesCorrelationOptions.TargetBatchBytes"/>.</summary>
    public static int BatchFrames<T>(int requested, int pixels, int frames) where T : unmanaged
    {
        int batch = requested > 0
            ? requested
            : (int)Math.Clamp(SeriesCorrelationOptions.TargetBatchBytes / ((long)pixels * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), 16, 2048);
        return Math.Min(batch, frames);
    }

    /// <summary>
    /// Streams the series from memory-mapped chunks when its first chunk can be mapped (see
    /// <see cref="SeriesFrameSource.TryMapChunk"/>); a later chunk that cannot is read through the library. False, having
    /// consumed nothing, when the first chunk cannot be mapped.
    /// </summary>
    public static bool TryStreamMapped<T>(SeriesFrameSource source, int requestedBatch, CorrelationStageTimes? times, FramesConsumer<T> consume)
        where T : unmanaged, INumber<T>
    {
        var chunks = source.Chunks;
        if (chunks.Count == 0 || source.Frames / chunks.Count < MinMappedChunkFrames) return false;
        double mapSeconds = 0;
        Task<MappedFrameBlock?> Map(int k) => Task.Run(() =>
        {
            long started = Stopwatch.GetTimestamp();
            var block = source.TryMapChunk(k);
            block?.Populate();
            mapSeconds += CorrelationStageTimes.Since(started);
            return block;
        });
        var pending = Map(0);
        int pixels = source.PixelsPerFrame;
        T[]? readBuffer = null;
        try
        {
            for (int k = 0; k < chunks.Count; k++)
            {
                long waiting = Stopwatch.GetTimestamp();
                var block = pending.GetAwaiter().GetResult();
                if (times is not null) times.ReadWaitS += CorrelationStageTimes.Since(waiting);
                if (block is null && k == 0) return false;
                pending = k + 1 < chunks.Count ? Map(k + 1) : Task.FromResult<MappedFrameBlock?>(null);
                var chunk = chunks[k];
                // A mapped chunk goes to the correlator in slices of at most MaxMappedBatchFrames (progress, span length).
                int batch = requestedBatch > 0 ? requestedBatch : Math.Min(chunk.FrameCount, Math.Max(1, Math.Min(MaxMappedBatchFrames, int.MaxValue / pixels)));
                if (block is not null)
                {
                    using (block)
                    {
                        for (int f = 0; f < chunk.FrameCount; f += batch)
                        {
                            int count = Math.Min(batch, chunk.FrameCount - f);
                            consume(block.Frames<T>(f, count), chunk.FirstFrame + f + count);
                        }
                    }
                    if (times is not null) times.MappedChunks++;
                    continue;
                }
                batch = BatchFrames<T>(requestedBatch, pixels, chunk.FrameCount);
                readBuffer ??= BufferCache<T>.Rent((long)batch * pixels, 0);
                for (int f = 0; f < chunk.FrameCount; f += batch)
                {
                    int count = Math.Min(batch, chunk.FrameCount - f);
                    long reading = Stopwatch.GetTimestamp();
                    source.ReadFrames<T>(chunk.FirstFrame + f, count, readBuffer.AsSpan(0, count * pixels));
                    if (times is not null) times.ReadS += CorrelationStageTimes.Since(reading);
                    consume(readBuffer.AsSpan(0, count * pixels), chunk.FirstFrame + f + count);
                }
                if (times is not null) times.ReadChunks++;
            }
            return true;
        }
        finally
        {
            // The mapper must be idle before the source is disposed, also when correlation failed.
            try { pending.GetAwaiter().GetResult()?.Dispose(); } catch (Exception) { }
            if (times is not null) times.ReadS += mapSeconds;
            if (readBuffer is not null) BufferCache<T>.Return(readBuffer, 0);
        }
    }

    /// <summary>
    /// Reads the series batch by batch through its reader, the next batch while the current one is consumed; a chunk
    /// series' batch is read by <paramref name="readers"/> threads at once (≤ 0: all cores), each decompressing its part.
    /// </summary>
    public static void StreamRead<T>(ISeriesFrames source, int requestedBatch, CorrelationStageTimes? times, FramesConsumer<T> consume, int readers = -1)
        where T : unmanaged, INumber<T>
    {
        using var parallel = source is SeriesFrameSource chunks ? new ParallelFrameReader(chunks, readers > 0 ? readers : Environment.ProcessorCount) : null;
        int pixels = source.PixelsPerFrame;
        int batch = BatchFrames<T>(requestedBatch, pixels, source.Frames);
        var buffers = new[] { BufferCache<T>.Rent((long)batch * pixels, 0), BufferCache<T>.Rent((long)batch * pixels, 1) };
        int frames = source.Frames;
        double readSeconds = 0;
        Task<int> Read(int first, T[] buffer) => Task.Run(() =>
        {
            long started = Stopwatch.GetTimestamp();
            int count = Math.Min(batch, frames - first);
            if (parallel is not null) parallel.Read(first, count, buffer);
            else source.ReadFrames(first, count, buffer.AsSpan(0, count * pixels));
            readSeconds += CorrelationStageTimes.Since(started);
            return count;
        });
        var pending = Read(0, buffers[0]);
        int current = 0;
        try
        {
            for (int first = 0; first < frames;)
            {
                long waiting = Stopwatch.GetTimestamp();
                int count = pending.GetAwaiter().GetResult();
                if (times is not null) times.ReadWaitS += CorrelationStageTimes.Since(waiting);
                var data = buffers[current];
                int next = first + count;
                current ^= 1;
                if (next < frames) pending = Read(next, buffers[current]);
                consume(data.AsSpan(0, count * pixels), next);
                first = next;
            }
        }
        finally
        {
            // The reader must be idle before the source is disposed, also when correlation failed.
            try { pending.Wait(); } catch (AggregateException) { }
            if (times is not null)
            {
                if (source is SeriesFrameSource { AnyChunkCompressed: true }) times.DecompressS += readSeconds;
                else times.ReadS += readSeconds;
                times.ReadChunks += source is SeriesFrameSource s ? s.Chunks.Count : 1;
                times.ReadThreads = Math.Max(times.ReadThreads, parallel?.Readers ?? 1);
            }
            BufferCache<T>.Return(buffers[0], 0);
            BufferCache<T>.Return(buffers[1], 1);
        }
    }

    /// <summary>
    /// The read buffers of the last series, kept (weakly: the GC may take them back) for the next one of the same size:
    /// fresh memory of hundreds of MiB costs a page fault and the kernel's zeroing per page on first touch.
    /// </summary>
    private static class BufferCache<T> where T : unmanaged
    {
        private static readonly WeakReference<T[]?>[] Kept = [new(null), new(null)];

        public static T[] Rent(long length, int slot)
        {
            lock (Kept)
            {
                if (Kept[slot].TryGetTarget(out var kept) && kept is not null && kept.LongLength >= length)
                {
                    Kept[slot].SetTarget(null);
                    return kept;
                }
            }
            return HugePageArrays.AllocateUninitialized<T>(checked((int)length));
        }

        public static void Return(T[] buffer, int slot)
        {
            lock (Kept) Kept[slot].SetTarget(buffer);
        }
    }
}
