using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The whole-series event path. While every batch so far arrived as events, the batches are kept (not correlated) and
/// the finalization correlates them pixel by pixel: the events are bucketed by chunk of 512 pixels and sorted by pixel
/// within a chunk, then a column's time-sorted events go through the pixel or the column-row kernel (4 delays per level,
/// pixel totals within the float limit: <see cref="TryCorrelateColumnEvents"/>) or otherwise through <see cref="CorrelatePixel"/>
/// (binned level by level, pairs of values merged as event lists, lag products only between events at most
/// 2·delays_per_level values apart). The first/last values, totals and lag sums of a column of 8 pixels go straight into
/// the shared finalization arithmetic (<see cref="AddColumnSums{TRows}"/>), without the per-level state of the dense
/// path. Work and memory are in proportion to the events (plus O(pixels × lags) for the finalization), not to
/// pixels × frames. Counts are integers, so every sum is the dense path's exact integer and g2 is bit-identical.
/// A dense batch, or more than <see cref="MaxHeldEvents"/> events, ends this mode: the kept batches are then
/// correlated through the streaming event path (<see cref="AddEventSubBatch"/>) and the series continues there.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    // Kept events cost their batch's 8 bytes plus 8 bytes while sorted at the end.
    private const long MaxHeldEvents = 1L << 27;
    // Pixels per sorting chunk (from the shard's start, so a column is in one chunk): the keys of the second counting
    // sort. A chunk is a pixel range, not a run of columns, so bucketing needs no lookup of an event's column.
    private const int ChunkBits = 9;
    private const int ChunkPixels = 1 << ChunkBits;
    private const int CountBits = 22;
    private const double DenseRowsPerEvent = 8;

    private List<PhotonEventBatch>? _heldBatches = [];
    private long _heldEvents;

    private bool HoldsWholeSeriesAsEvents => _heldBatches is { Count: > 0 } && _framesSeen == _totalFrames;

    /// <summary>Keeps an event batch for the whole-series path; false when that path has ended or cannot take it.</summary>
    private bool TryHoldEvents(PhotonEventBatch batch)
    {
        if (_heldBatches is null) return false;
        if (_heldEvents + batch.EventCount > MaxHeldEvents || _totalFrames > int.MaxValue || _levels.Length > 31 || !CountsFit(batch))
        {
            ReleaseHeldEvents();
            return false;
        }
        _heldBatches.Add(batch);
        _heldEvents += batch.EventCount;
        _framesSeen += batch.FrameCount;
        FramesOnEventPath += batch.FrameCount;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool CountsFit(PhotonEventBatch batch)
    {
        foreach (int count in batch.Counts)
            if (count >> CountBits != 0) return false;
        return true;
    }

    /// <summary>Ends the whole-series path: the kept batches go through the streaming event path, in order.</summary>
    private void ReleaseHeldEvents()
    {
        var held = _heldBatches;
        _heldBatches = null;
        if (held is null || held.Count == 0) return;
        long frames = 0;
        foreach (var batch in held) frames += batch.FrameCount;
        _framesSeen -= frames;
        FramesOnEventPath -= frames;
        foreach (var batch in held) AddEventsStreaming(batch);
    }

    private CorrelationPartialSums BuildPartialSumsFromEvents()
    {
        var held = _heldBatches!;
        _heldBatches = null;
        for (int l = 0; l < _levels.Length; l++) _levels[l].ValuesSoFar = MultiTauLadder.BinnedFrames(_totalFrames, l);
        var scales = new LagScales(Lags, _levels);
        // From the first level with at most DenseRowsPerEvent values per event of an average pixel, a column's values
        // are cheaper as dense rows of 8 lanes (the dense kernels) than as event lists.
        double eventsPerPixel = (double)_heldEvents / Math.Max(1, _columnStart.Length * Lanes);
        int denseLevel = 0;
        while (denseLevel < _levels.Length && MultiTauLadder.BinnedFrames(_totalFrames, denseLevel) > DenseRowsPerEvent * eventsPerPixel) denseLevel++;
        int denseRows = denseLevel < _levels.Length ? (int)MultiTauLadder.BinnedFrames(_totalFrames, denseLevel) : 0;
        using var buckets = BucketHeldEvents(held);
        bool eventKernels = EventKernelsApply;
        var scratches = new System.Collections.Concurrent.ConcurrentBag<PixelEventScratch>();
        var result = SumColumnParts(() =>
            {
                var scratch = new PixelEventScratch(_levels.Length, _history, denseRows, (int)_totalFrames)
                    { PixelKernel = eventKernels ? new PixelKernelBuffers(_totalFrames, _history) : null };
                scratches.Add(scratch);
                return scratch;
            },
            [MethodImpl(MethodImplOptions.AggressiveOptimization)] (LaneSums sums, int first, int end, PixelEventScratch scratch) =>
            {
                for (int chunkFirst = first; chunkFirst < end;)
                {
                    // The part's columns in this chunk (a chunk split between two parts is sorted by both).
                    int chunk = (_columnStart[chunkFirst] - _pixelStart) >> ChunkBits, chunkEnd = chunkFirst + 1;
                    while (chunkEnd < end && (_columnStart[chunkEnd] - _pixelStart) >> ChunkBits == chunk) chunkEnd++;
                    scratch.SortChunk(buckets.Chunk(chunk), BinnedKeys(chunkFirst, chunkEnd, chunk, scratch.BinnedKey));
                    CorrelateChunk(sums, chunkFirst, chunkEnd, _pixelStart + chunk * ChunkPixels, scratch);
                    chunkFirst = chunkEnd;
                }
            });
        GC.KeepAlive(_stateMemory);
        // The threads' per-frame intensity, known only now: SumColumnParts copied the (still empty) sums before.
        foreach (var scratch in scratches) AddIntensity(Array.ConvertAll(scratch.Intensity, sum => (double)sum), 0);
        Array.Copy(_binnedIntensitySum, result.BinnedIntensitySum, _binnedIntensitySum.Length);

        // Columns [first, end) of a chunk whose events scratch.SortChunk sorted by key, the pixel − chunkStart.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void CorrelateChunk(LaneSums sums, int first, int end, int chunkStart, PixelEventScratch scratch)
        {
            for (int c = first; c < end; c++)
            {
                int key0 = _columnStart[c] - chunkStart;
                // A column without events adds exact zeros to every sum: skipping it changes no bit.
                if (scratch.KeyStart[key0] == scratch.KeyStart[key0 + Lanes]) continue;
                var rows = scratch.Rows;
                if (scratch.PixelKernel is null || !TryCorrelateColumnEvents(scratch, key0, rows))
                {
                    rows.Clear();
                    if (denseRows > 0) scratch.DenseA.AsSpan(_history * Lanes, denseRows * Lanes).Clear();
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        int from = scratch.KeyStart[key0 + lane], to = scratch.KeyStart[key0 + lane + 1];
                        if (from == to) continue;
                        CorrelatePixel(scratch, from, to, lane, denseLevel);
                    }
                    if (denseRows > 0) DenseColumnLevels(scratch, denseLevel);
                }
                rows.Totals[..Math.Min(Lanes, _pixelEnd - _columnStart[c])].CopyTo(_pixelSum.AsSpan(_columnStart[c]));
                AddColumnSums(sums, c, scales, rows);
            }
        }
        CopyBinnedPixelSums(result);
        return result;
    }

    /// <summary>
    /// Per key of chunk <paramref name="chunk"/>, −1 where the pixel is dynamic-binned in one of columns [first, end)
    /// (the part's columns in the chunk: a chunk split between two parts is sorted by both), else 0.
    /// </summary>
    private int[] BinnedKeys(int first, int end, int chunk, int[] binnedKey)
    {
        Array.Clear(binnedKey);
        int chunkStart = _pixelStart + chunk * ChunkPixels;
        for (int c = first; c < end; c++)
            for (int lane = 0; lane < Lanes; lane++)
                binnedKey[_columnStart[c] - chunkStart + lane] = _columnBinned[c * Lanes + lane] != 0 ? -1 : 0;
        return binnedKey;
    }

    /// <summary>
    /// The kept events (frames 0 to the end) bucketed by chunk of <see cref="ChunkPixels"/> pixels, in time order
    /// within a chunk: frame · 2^32 + (pixel − chunk start) · 2^22 + count. The sums of pixels outside every column
    /// (their events are bucketed too; no column reads them) are read from the buckets of their chunks.
    /// </summary>
    private unsafe HeldEventBuckets BucketHeldEvents(List<PhotonEventBatch> held)
    {
        int chunks = Math.Max(1, (_pixelEnd - _pixelStart + ChunkPixels - 1) >> ChunkBits);
        var segments = new List<(PhotonEventBatch Batch, int From, int To, int FirstFrame)>();
        int firstFrame = 0, parts = 2 * _maxParallelism;
        foreach (var batch in held)
        {
            int n = batch.FrameCount, pieces = (int)Math.Clamp((long)parts * batch.EventCount / Math.Max(1, _heldEvents) + 1, 1, Math.Max(1, n));
            for (int i = 0; i < pieces; i++) segments.Add((batch, PartStart(n, pieces, i), PartStart(n, pieces, i + 1), firstFrame));
            firstFrame += n;
        }
        var histograms = new int[segments.Count][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism };
        Parallel.For(0, segments.Count, options, s =>
        {
            var (batch, from, to, _) = segments[s];
            var offsets = batch.FrameOffsets;
            histograms[s] = CountChunkEvents(batch.Pixels[offsets[from]..offsets[to]], chunks);
        });
        var chunkStart = new int[chunks + 1];
        int running = 0;
        for (int q = 0; q < chunks; q++)
        {
            chunkStart[q] = running;
            foreach (var histogram in histograms)
            {
                int events = histogram[q];
                histogram[q] = running;
                running += events;
            }
        }
        chunkStart[chunks] = running;
        // The dense path's state memory is not used on this path: it holds the buckets when large enough (rented from
        // the pool, it is already mapped, so no series-sized array is allocated and first touched). Otherwise a buffer of
        // huge pages: first touch of 4 KiB pages costs microseconds each on this kind of machine (seconds for 10^8 events).
        var owned = _stateMemory!.Capacity >= running ? null : new HugePageBuffer(running);
        nint address = (nint)(owned ?? _stateMemory).Pointer;
        Parallel.For(0, segments.Count, options, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int s) =>
        {
            var (batch, from, to, first) = segments[s];
            var next = histograms[s];
            var packed = new Span<ulong>((void*)address, running);
            var offsets = batch.FrameOffsets;
            var pixels = batch.Pixels;
            var counts = batch.Counts;
            for (int t = from; t < to; t++)
            {
                ulong frame = (ulong)(first + t) << 32;
                for (int e = offsets[t]; e < offsets[t + 1]; e++)
                {
                    int p = pixels[e] - _pixelStart;
                    if ((uint)p >= (uint)(_pixelEnd - _pixelStart)) continue;
                    int slot = next[p >> ChunkBits]++;
                    packed[slot] = frame | (ulong)(p & (ChunkPixels - 1)) << CountBits | (uint)counts[e];
                    // The bucket's next line is asked for now: a store to a line not in cache waits for it to be
                    // read from memory, and 512 buckets are too many streams for the hardware prefetcher.
                    if (System.Runtime.Intrinsics.X86.Sse.IsSupported) System.Runtime.Intrinsics.X86.Sse.Prefetch0((ulong*)address + slot + 8);
                }
            }
        });
        var buckets = new HeldEventBuckets(address, owned, chunkStart);
        SumUnbinnedPixels(buckets);
        return buckets;
    }

    /// <summary>
    /// Events per chunk of <see cref="ChunkPixels"/> pixels (those outside the shard are not counted). Four histograms
    /// take turns, so consecutive events of one chunk (a frame's pixels increase) do not wait on each other's count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int[] CountChunkEvents(ReadOnlySpan<int> pixels, int chunks)
    {
        var counts = new int[4 * chunks];
        ref int h0 = ref counts[0];
        ref int h1 = ref counts[chunks];
        ref int h2 = ref counts[2 * chunks];
        ref int h3 = ref counts[3 * chunks];
        ref int pixel = ref MemoryMarshal.GetReference(pixels);
        int start = _pixelStart, n = pixels.Length, e = 0;
        uint size = (uint)(_pixelEnd - _pixelStart);
        for (; e + 3 < n; e += 4)
        {
            uint p0 = (uint)(Unsafe.Add(ref pixel, e) - start), p1 = (uint)(Unsafe.Add(ref pixel, e + 1) - start);
            uint p2 = (uint)(Unsafe.Add(ref pixel, e + 2) - start), p3 = (uint)(Unsafe.Add(ref pixel, e + 3) - start);
            if (Math.Max(Math.Max(p0, p1), Math.Max(p2, p3)) < size)
            {
                Unsafe.Add(ref h0, (int)(p0 >> ChunkBits))++;
                Unsafe.Add(ref h1, (int)(p1 >> ChunkBits))++;
                Unsafe.Add(ref h2, (int)(p2 >> ChunkBits))++;
                Unsafe.Add(ref h3, (int)(p3 >> ChunkBits))++;
                continue;
            }
            if (p0 < size) Unsafe.Add(ref h0, (int)(p0 >> ChunkBits))++;
            if (p1 < size) Unsafe.Add(ref h1, (int)(p1 >> ChunkBits))++;
            if (p2 < size) Unsafe.Add(ref h2, (int)(p2 >> ChunkBits))++;
            if (p3 < size) Unsafe.Add(ref h3, (int)(p3 >> ChunkBits))++;
        }
        for (; e < n; e++)
        {
            uint p = (uint)(Unsafe.Add(ref pixel, e) - start);
            if (p < size) Unsafe.Add(ref h0, (int)(p >> ChunkBits))++;
        }
        var histogram = new int[chunks];
        for (int q = 0; q < chunks; q++) histogram[q] = counts[q] + counts[chunks + q] + counts[2 * chunks + q] + counts[3 * chunks + q];
        return histogram;
    }

    /// <summary>The sums of the pixels outside every column (mean image only), from the chunks that hold such pixels.</summary>
    private void SumUnbinnedPixels(HeldEventBuckets buckets)
    {
        if (_unbinnedColumns.Length == 0) return;
        var unbinnedBlock = new bool[(_pixelEnd - _pixelStart + Lanes - 1) / Lanes];
        foreach (int p0 in _unbinnedColumns) unbinnedBlock[(p0 - _pixelStart) / Lanes] = true;
        var chunkList = _unbinnedColumns.Select(p0 => (p0 - _pixelStart) >> ChunkBits).Distinct().ToArray();
        Parallel.For(0, chunkList.Length, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, i =>
        {
            int chunk = chunkList[i], chunkStart = chunk << ChunkBits;
            Span<long> sums = stackalloc long[ChunkPixels];
            sums.Clear();
            foreach (ulong e in buckets.Chunk(chunk))
            {
                int key = BucketKey(e);
                if (unbinnedBlock[(chunkStart + key) / Lanes]) sums[key] += BucketCount(e);
            }
            for (int key = 0; key < ChunkPixels && chunkStart + key < _pixelEnd - _pixelStart; key++)
                if (unbinnedBlock[(chunkStart + key) / Lanes]) _pixelSum[_pixelStart + chunkStart + key] += sums[key];
        });
    }

    /// <summary>A bucketed event's pixel − chunk start (see <see cref="BucketHeldEvents"/> for the layout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BucketKey(ulong e) => (int)(e >> CountBits) & (ChunkPixels - 1);

    /// <summary>A bucketed event's count (of OR-ed events: the OR of their counts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BucketCount(ulong e) => (int)(e & ((1u << CountBits) - 1));

    /// <summary>The bucketed events (in the state memory or in <paramref name="owned"/>), chunk q at [start[q], start[q + 1]).</summary>
    private sealed unsafe class HeldEventBuckets(nint address, HugePageBuffer? owned, int[] start) : IDisposable
    {
        public ReadOnlySpan<ulong> Chunk(int q) => new((ulong*)address + start[q], start[q + 1] - start[q]);

        public void Dispose() => owned?.Dispose();
    }

    /// <summary>
    /// One pixel's events (scratch.Frames/Counts [from, to), time-sorted) through every level: totals, first and last
    /// `history` values and lag sums into lane <paramref name="lane"/> of the column's rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CorrelatePixel(PixelEventScratch scratch, int from, int to, int lane, int denseLevel)
    {
        int history = _history, levels = _levels.Length, d = _delaysPerLevel;
        var rows = scratch.Rows;
        int m = to - from;
        var t = scratch.TimesA;
        var v = scratch.ValuesA;
        Array.Copy(scratch.Frames, from, t, 0, m);
        for (int i = 0; i < m; i++) v[i] = scratch.Counts[from + i];
        var nextT = scratch.TimesB;
        var nextV = scratch.ValuesB;
        double[] acc = rows.AccValues, head = rows.HeadValues, tail = rows.TailValues;
        int eventLevels = Math.Min(levels, denseLevel);
        for (int l = 0; l < eventLevels && m > 0; l++)
        {
            int values = (int)MultiTauLadder.BinnedFrames(_totalFrames, l);
            int nextValues = (int)MultiTauLadder.BinnedFrames(_totalFrames, l + 1);
            int kMin = l == 0 ? 1 : d + 1;
            int accBase = (l * history - kMin) * Lanes + lane, edgeBase = l * history * Lanes + lane;
            bool more = l + 1 < levels;
            double total = 0;
            int made = 0;
            for (int i = 0; i < m; i++)
            {
                int ti = t[i];
                double vi = v[i];
                total += vi;
                for (int j = i + 1; j < m; j++)
                {
                    int k = t[j] - ti;
                    if (k > history) break;
                    if (k >= kMin) acc[accBase + k * Lanes] += vi * v[j];
                }
                if (ti < history) head[edgeBase + ti * Lanes] = vi;
                int back = values - 1 - ti;
                if (back < history) tail[edgeBase + back * Lanes] = vi;
                if (more)
                {
                    int u = ti >> 1;
                    if (u >= nextValues) continue;
                    if (made > 0 && nextT[made - 1] == u) nextV[made - 1] += vi;
                    else
                    {
                        nextT[made] = u;
                        nextV[made++] = vi;
                    }
                }
            }
            rows.TotalValues[l * Lanes + lane] = total;
            (t, nextT) = (nextT, t);
            (v, nextV) = (nextV, v);
            m = made;
        }
        if (denseLevel >= levels) return;
        // The events of the first dense level into its rows (after `history` zero rows).
        var dense = scratch.DenseA;
        for (int i = 0; i < m; i++) dense[(history + t[i]) * Lanes + lane] = v[i];
    }

    /// <summary>
    /// The levels from <paramref name="first"/> up of one column as dense rows (scratch.DenseA after `history` zero
    /// rows): the dense path's kernels for the lag sums and totals, then first and last values and pairs.
    /// </summary>
    private void DenseColumnLevels(PixelEventScratch scratch, int first)
    {
        int history = _history;
        var rows = scratch.Rows;
        double[] buffer = scratch.DenseA, next = scratch.DenseB;
        for (int l = first; l < _levels.Length; l++)
        {
            int values = (int)MultiTauLadder.BinnedFrames(_totalFrames, l);
            if (values == 0) break;
            var span = buffer.AsSpan(0, (history + values) * Lanes);
            var visit = scratch.AllRows.AsSpan(history, values);
            int kMin = l == 0 ? 1 : _delaysPerLevel + 1;
            var acc = rows.AccValues.AsSpan(l * history * Lanes, (history - kMin + 1) * Lanes);
            (Vector256<double> Lo, Vector256<double> Hi) total;
            if (_delaysPerLevel == 4)
            {
                if (kMin == 1) MultiTauKernels.FourLags(span, visit, 1, acc, 0);
                total = MultiTauKernels.FourLags(span, visit, 5, acc, kMin == 1 ? 4 : 0);
            }
            else total = MultiTauKernels.AnyLags(span, visit, kMin, history, acc);
            total.Lo.StoreUnsafe(ref rows.TotalValues[l * Lanes]);
            total.Hi.StoreUnsafe(ref rows.TotalValues[l * Lanes], 4);
            for (int j = 0; j < Math.Min(history, values); j++)
            {
                span.Slice((history + j) * Lanes, Lanes).CopyTo(rows.HeadValues.AsSpan((l * history + j) * Lanes));
                span.Slice((history + values - 1 - j) * Lanes, Lanes).CopyTo(rows.TailValues.AsSpan((l * history + j) * Lanes));
            }
            if (l + 1 >= _levels.Length) break;
            ref double from = ref buffer[history * Lanes];
            ref double to = ref next[history * Lanes];
            for (int pair = 0; pair < values / 2; pair++)
            {
                ref double a = ref Unsafe.Add(ref from, 2 * pair * Lanes);
                ref double b = ref Unsafe.Add(ref to, pair * Lanes);
                (Vector256.LoadUnsafe(ref a) + Vector256.LoadUnsafe(ref a, Lanes)).StoreUnsafe(ref b);
                (Vector256.LoadUnsafe(ref a, 4) + Vector256.LoadUnsafe(ref a, Lanes + 4)).StoreUnsafe(ref b, 4);
            }
            (buffer, next) = (next, buffer);
        }
    }

    /// <summary>One column's level values for the finalization: rows of 8 lanes, zero where a pixel has no value.</summary>
    private readonly struct ColumnEventRows(int levels, int history) : IColumnLevelRows
    {
        private readonly int _history = history;
        public readonly double[] TotalValues = new double[levels * Lanes];
        public readonly double[] HeadValues = new double[levels * history * Lanes];
        public readonly double[] TailValues = new double[levels * history * Lanes];
        // Per level, lag k at row k − kMin (level 0: k from 1, so row index k − 1 ≤ history − 1).
        public readonly double[] AccValues = new double[levels * history * Lanes];

        public ReadOnlySpan<double> Totals => TotalValues.AsSpan(0, Lanes);

        public void Clear()
        {
            Array.Clear(TotalValues);
            Array.Clear(HeadValues);
            Array.Clear(TailValues);
            Array.Clear(AccValues);
        }

        public LaneRow Head(int level, int j) => Row(HeadValues, (level * _history + j) * Lanes);
        public LaneRow Tail(int level, int j) => Row(TailValues, (level * _history + j) * Lanes);
        public LaneRow Total(int level) => Row(TotalValues, level * Lanes);
        public LaneRow Acc(int level, int k) => Row(AccValues, (level * _history + k - (level == 0 ? 1 : _history / 2 + 1)) * Lanes);

        private static LaneRow Row(double[] values, int offset) => new(
            System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref values[offset]),
            System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref values[offset], 4));
    }

    /// <summary>One finalization part's buffers: a chunk's events sorted by pixel, a pixel's binned events, a column's rows.</summary>
    private sealed class PixelEventScratch(int levels, int history, int denseRows, int frames)
    {
        // The binned intensity per frame of the columns this thread correlated.
        public readonly long[] Intensity = new long[frames];
        // Per key of a chunk: −1 where the pixel is dynamic-binned and in a column of the part sorting it, else 0.
        public readonly int[] BinnedKey = new int[ChunkPixels];
        public readonly ColumnEventRows Rows = new(levels, history);
        // The first dense level's rows and the next level's, each after `history` rows that stay zero.
        public readonly double[] DenseA = new double[(history + denseRows) * Lanes];
        public readonly double[] DenseB = new double[(history + denseRows) * Lanes];
        public readonly int[] AllRows = Enumerable.Range(0, history + denseRows).ToArray();
        public readonly int[] KeyStart = new int[ChunkPixels + 1];
        public PixelKernelBuffers? PixelKernel { get; init; }
        // Made at the first column the column-row kernel takes.
        public ColumnRowBuffers? ColumnRows { get; set; }
        public int[] Frames = [], Counts = [];
        // At least the largest count of the sorted chunk (all its counts OR-ed).
        public int CountBound;
        public int[] TimesA = [], TimesB = [];
        public double[] ValuesA = [], ValuesB = [];

        /// <summary>
        /// Counting sort of a chunk's events by pixel (stable, so each pixel's stay in time order); adds the counts of
        /// the keys set in <paramref name="binnedKey"/> to the per-frame intensity on the way.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void SortChunk(ReadOnlySpan<ulong> events, int[] binnedKey)
        {
            if (Frames.Length < events.Length)
            {
                int size = Math.Max(events.Length, 2 * Frames.Length);
                Frames = new int[size];
                Counts = new int[size];
                TimesA = new int[size];
                TimesB = new int[size];
                ValuesA = new double[size];
                ValuesB = new double[size];
            }
            var start = KeyStart;
            Array.Clear(start);
            ulong bound = 0;
            foreach (ulong e in events)
            {
                start[BucketKey(e)]++;
                bound |= e;
            }
            CountBound = BucketCount(bound);
            int running = 0;
            for (int key = 0; key < start.Length - 1; key++)
            {
                int count = start[key];
                start[key] = running;
                running += count;
            }
            start[^1] = running;
            ref long intensity = ref MemoryMarshal.GetArrayDataReference(Intensity);
            foreach (ulong e in events)
            {
                int key = BucketKey(e), frame = (int)(e >> 32), count = BucketCount(e);
                int slot = start[key]++;
                Frames[slot] = frame;
                Counts[slot] = count;
                Unsafe.Add(ref intensity, frame) += count & binnedKey[key];
            }
            for (int key = start.Length - 1; key > 0; key--) start[key] = start[key - 1];
            start[0] = 0;
        }
    }
}
