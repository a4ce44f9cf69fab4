using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The event path: frames given as event lists (<see cref="AddEvents"/>), or integer frames with few non-zero pixels
/// (chosen in <see cref="AddFrames{T}"/>), update the same per-level state as the dense kernels, so a series may mix
/// both and the finalization is shared. Levels whose values are mostly zero are correlated event by event (lag
/// products of a pixel's events within 2·delays_per_level values, pairs of values merged as sorted event lists);
/// from the first level where values are non-zero often enough, a column's events are put into dense rows and the
/// dense kernels continue. Counts are integers, so every sum is an exact integer in double and equals the dense
/// path's bit for bit whatever the order of summation.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    // From the first level at which at least this fraction of a column's values is expected non-zero, the dense
    // kernels are cheaper than event lists (0.02, 0.08 and 0.25 tried at mean 0.01 with bench/sparse-correlation.sh;
    // 0.08 was best, within the noise of a shared machine).
    private const double DenseLevelOccupancy = 0.08;
    // Dense integer frames take the event path below this fraction of non-zero pixels: measured (same bench), the event
    // path is ahead at 0.1 % and behind at 1 % non-zero pixels, where the dense kernels' zero-row skipping is cheaper.
    private const double EventPathOccupancy = 0.003;
    private const int EventColumnsPerWorkItem = 64;
    private const int MaxEventSubBatchFrames = 1 << 16;

    private readonly bool _eventPathForSparseFrames;
    private int[]? _columnOfBlock;
    private readonly ConcurrentBag<EventScratch> _eventScratchPool = [];
    private int[] _eventKeys = [];

    /// <summary>Frames correlated through the event path so far (given as events or chosen automatically).</summary>
    public long FramesOnEventPath { get; private set; }
    private int[] _eventCounts = [];

    /// <summary>
    /// Adds frames given as event lists, in time order (<paramref name="batch"/> holds whole frames); the same result
    /// as the dense frames through <see cref="AddFrames{T}"/>. While every batch so far came as events, the batch is
    /// kept (its arrays must not change afterwards) and correlated at the end (see MultiTauCorrelator.EventStore.cs);
    /// otherwise it is correlated now through the per-level state.
    /// </summary>
    public void AddEvents(PhotonEventBatch batch)
    {
        if (batch.PixelsPerFrame != _qmap.PixelCount)
            throw new ArgumentException($"event frames of {batch.PixelsPerFrame} pixels do not fit the {_qmap.PixelCount}-pixel detector");
        int n = batch.FrameCount;
        if (n == 0) return;
        if (_framesSeen + n > _totalFrames)
            throw new InvalidOperationException($"more frames than the {_totalFrames} declared");
        ObjectDisposedException.ThrowIf(_stateMemory is null, this);
        if (!TryHoldEvents(batch)) AddEventsStreaming(batch);
    }

    private void AddEventsStreaming(PhotonEventBatch batch)
    {
        if (TryAddEventsAsDenseFrames(batch)) return;
        int n = batch.FrameCount;
        // The per-batch cost is a pass over the columns' state of every level, so sub-batches are as long as the dense
        // levels' work buffers allow: the first dense level must receive at most MaxSubBatchFrames values.
        int denseLevel = DenseLevel((double)batch.EventCount / ((double)n * Math.Max(1, _columnStart.Length) * Lanes));
        int subBatch = (int)Math.Min(MaxEventSubBatchFrames, (long)(MaxSubBatchFrames - 1) << Math.Min(denseLevel, 20));
        for (int first = 0; first < n; first += subBatch)
            AddEventSubBatch(batch, first, Math.Min(subBatch, n - first));
        GC.KeepAlive(_stateMemory);
    }

    /// <summary>
    /// The automatic choice: integer frames whose share of non-zero pixels is below <see cref="EventPathOccupancy"/>
    /// are turned into event lists and take the event path; returns false (nothing done) otherwise.
    /// </summary>
    private bool TryAddAsEvents<T>(ReadOnlySpan<T> frames, int n) where T : unmanaged, INumberBase<T>
    {
        if (!_eventPathForSparseFrames || typeof(T) != typeof(ushort) && typeof(T) != typeof(byte) && typeof(T) != typeof(uint)) return false;
        int pixels = _qmap.PixelCount;
        // The first frame decides cheaply for dense data; the whole batch is counted only when it looks sparse.
        long limit = (long)(EventPathOccupancy * pixels * n);
        if (CountNonZero(frames[..pixels]) > EventPathOccupancy * pixels) return false;
        unsafe
        {
            fixed (T* data = frames) return TryAddAsEvents<T>((nint)data, n, limit);
        }
    }

    private unsafe bool TryAddAsEvents<T>(nint address, int n, long limit) where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        var perFrame = new int[n + 1];
        long total = 0;
        bool tooMany = false;
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, (t, state) =>
        {
            int count = CountNonZero(new ReadOnlySpan<T>((T*)address + (long)t * pixels, pixels));
            perFrame[t + 1] = count;
            if (Interlocked.Add(ref total, count) > limit) { tooMany = true; state.Stop(); }
        });
        if (tooMany) return false;
        for (int t = 0; t < n; t++) perFrame[t + 1] += perFrame[t];
        var eventPixels = new int[perFrame[n]];
        var eventCounts = new int[perFrame[n]];
        bool tooLarge = false;
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, t =>
        {
            var frame = new ReadOnlySpan<T>((T*)address + (long)t * pixels, pixels);
            int e = perFrame[t];
            for (int p = NextNonZero(frame, 0); p < pixels; p = NextNonZero(frame, p + 1))
            {
                ulong value = ulong.CreateTruncating(frame[p]);
                // Counts above 2^16 could make sums inexact in either path's order: leave them to the dense kernels.
                if (value > ushort.MaxValue) tooLarge = true;
                eventPixels[e] = p;
                eventCounts[e++] = (int)Math.Min(value, int.MaxValue);
            }
        });
        if (tooLarge) return false;
        AddEvents(new PhotonEventBatch(pixels, perFrame, eventPixels, eventCounts));
        return true;
    }

    private static int CountNonZero<T>(ReadOnlySpan<T> values) where T : unmanaged, INumberBase<T>
    {
        int count = 0, i = 0;
        if (typeof(T) == typeof(ushort))
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<T, ushort>(values);
            for (; i + Vector256<ushort>.Count <= words.Length; i += Vector256<ushort>.Count)
            {
                var zero = Vector256.Equals(Vector256.Create<ushort>(words.Slice(i, Vector256<ushort>.Count)), Vector256<ushort>.Zero);
                count += Vector256<ushort>.Count - BitOperations.PopCount(zero.ExtractMostSignificantBits());
            }
        }
        for (; i < values.Length; i++) if (!T.IsZero(values[i])) count++;
        return count;
    }

    private static int NextNonZero<T>(ReadOnlySpan<T> frame, int from) where T : unmanaged, INumberBase<T>
    {
        int i = from;
        if (typeof(T) == typeof(ushort))
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<T, ushort>(frame);
            for (; i + Vector256<ushort>.Count <= words.Length; i += Vector256<ushort>.Count)
            {
                uint nonZero = ~Vector256.Equals(Vector256.Create<ushort>(words.Slice(i, Vector256<ushort>.Count)), Vector256<ushort>.Zero)
                    .ExtractMostSignificantBits() & 0xFFFF;
                if (nonZero != 0) return i + BitOperations.TrailingZeroCount(nonZero);
            }
        }
        for (; i < frame.Length; i++) if (!T.IsZero(frame[i])) return i;
        return frame.Length;
    }

    /// <summary>For every block of 8 pixels of the shard: its column, or −1 when no pixel of it is binned.</summary>
    private int[] ColumnOfBlock()
    {
        if (_columnOfBlock is not null) return _columnOfBlock;
        var map = new int[(_pixelEnd - _pixelStart + Lanes - 1) / Lanes];
        Array.Fill(map, -1);
        for (int c = 0; c < _columnStart.Length; c++) map[(_columnStart[c] - _pixelStart) / Lanes] = c;
        return _columnOfBlock = map;
    }

    private void AddEventSubBatch(PhotonEventBatch batch, int firstFrame, int n)
    {
        var columnOf = ColumnOfBlock();
        int columns = _columnStart.Length;
        int parts = Math.Clamp(_maxParallelism, 1, n);
        var histograms = new int[parts][];
        var partMax = new float[parts][];
        var partCountSum = new double[parts];
        var options = new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism };
        // Counting sort of the events by column (stable: within a column by frame, then lane), in parts of frames.
        Parallel.For(0, parts, options, part =>
        {
            var histogram = histograms[part] = new int[columns + 1];
            var max = partMax[part] = new float[_groupMaxCount.Length];
            double countSum = 0;
            var offsets = batch.FrameOffsets;
            var pixels = batch.Pixels;
            var counts = batch.Counts;
            for (int t = PartStart(n, parts, part); t < PartStart(n, parts, part + 1); t++)
            {
                double intensity = 0;
                for (int e = offsets[firstFrame + t]; e < offsets[firstFrame + t + 1]; e++)
                {
                    int p = pixels[e];
                    if (p < _pixelStart || p >= _pixelEnd) continue;
                    int column = columnOf[(p - _pixelStart) / Lanes];
                    int count = counts[e];
                    if (column < 0)
                    {
                        AddAtomic(ref _pixelSum[p], count);
                        continue;
                    }
                    histogram[column]++;
                    countSum += count;
                    if (_qmap.DynamicBinOfPixel[p] >= 0) intensity += count;
                    ref float groupMax = ref max[column / CountGroupColumns];
                    groupMax = MathF.Max(groupMax, count);
                }
                _binnedIntensitySum[_framesSeen + t] += intensity;
            }
            partCountSum[part] = countSum;
        });
        var columnStart = new int[columns + 1];
        int running = 0;
        for (int c = 0; c < columns; c++)
        {
            columnStart[c] = running;
            for (int part = 0; part < parts; part++)
            {
                int events = histograms[part][c];
                histograms[part][c] = running;
                running += events;
            }
        }
        columnStart[columns] = running;
        for (int part = 0; part < parts; part++)
            for (int g = 0; g < _groupMaxCount.Length; g++) _groupMaxCount[g] = MathF.Max(_groupMaxCount[g], partMax[part][g]);
        if (_eventKeys.Length < running)
        {
            _eventKeys = new int[running];
            _eventCounts = new int[running];
        }
        int[] keys = _eventKeys, values = _eventCounts;
        Parallel.For(0, parts, options, part =>
        {
            var next = histograms[part];
            var offsets = batch.FrameOffsets;
            var pixels = batch.Pixels;
            var counts = batch.Counts;
            for (int t = PartStart(n, parts, part); t < PartStart(n, parts, part + 1); t++)
                for (int e = offsets[firstFrame + t]; e < offsets[firstFrame + t + 1]; e++)
                {
                    int p = pixels[e];
                    if (p < _pixelStart || p >= _pixelEnd) continue;
                    int column = columnOf[(p - _pixelStart) / Lanes];
                    if (column < 0) continue;
                    int slot = next[column]++;
                    keys[slot] = t * Lanes + (p - _pixelStart) % Lanes;
                    values[slot] = counts[e];
                }
        });

        var plan = new BatchPlan(_levels, n);
        double lanes = (double)n * columns * Lanes;
        double occupancy = lanes > 0 ? running / lanes : 0, meanCount = lanes > 0 ? partCountSum.Sum() / lanes : 0;
        int denseLevel = DenseLevel(occupancy);
        while (denseLevel < _levels.Length && plan.NewValues[denseLevel] > MaxSubBatchFrames) denseLevel++;
        int workItems = (columns + EventColumnsPerWorkItem - 1) / EventColumnsPerWorkItem;
        Parallel.For(0, workItems, options,
            () => (Events: _eventScratchPool.TryTake(out var e) ? e : new EventScratch(_history),
                   Dense: _scratchPool.TryTake(out var d) ? d.Reset(0) : new Scratch(_history).Reset(0)),
            (item, _, scratch) =>
            {
                scratch.Dense.MeanCount = meanCount;
                int end = Math.Min(columns, (item + 1) * EventColumnsPerWorkItem);
                for (int c = item * EventColumnsPerWorkItem; c < end; c++)
                    ProcessEventColumn(c, keys.AsSpan(columnStart[c], columnStart[c + 1] - columnStart[c]),
                        values.AsSpan(columnStart[c], columnStart[c + 1] - columnStart[c]), plan, denseLevel, scratch.Events, scratch.Dense);
                return scratch;
            },
            scratch =>
            {
                _eventScratchPool.Add(scratch.Events);
                Array.Clear(scratch.Dense.Intensity);
                _scratchPool.Add(scratch.Dense);
            });
        plan.Commit(_levels);
        _framesSeen += n;
        FramesOnEventPath += n;
    }

    /// <summary>The first level whose values are expected non-zero often enough for the dense kernels.</summary>
    private int DenseLevel(double occupancy)
    {
        int level = 0;
        while (level < _levels.Length && Math.ScaleB(occupancy, level) < DenseLevelOccupancy) level++;
        return level;
    }

    private static int PartStart(int n, int parts, int part) => (int)((long)n * part / parts);

    private static void AddAtomic(ref double target, double value)
    {
        double seen = Volatile.Read(ref target);
        while (true)
        {
            double found = Interlocked.CompareExchange(ref target, seen + value, seen);
            if (found.Equals(seen)) return;
            seen = found;
        }
    }

    /// <summary>One column through every level of the batch: event lists up to <paramref name="denseLevel"/>, dense rows from there.</summary>
    private void ProcessEventColumn(int column, ReadOnlySpan<int> keys, ReadOnlySpan<int> counts, BatchPlan plan, int denseLevel,
        EventScratch scratch, Scratch dense)
    {
        for (int l = 0; l < _levels.Length && plan.NewValues[l] > 0; l++) _levels[l].StartColumn(column);
        scratch.EnsureCapacity(keys.Length);
        int m = keys.Length;
        keys.CopyTo(scratch.Keys.AsSpan(EventScratch.Front));
        for (int i = 0; i < m; i++) scratch.Values[EventScratch.Front + i] = counts[i];
        int level = 0;
        for (; level < _levels.Length && plan.NewValues[level] > 0 && level < denseLevel; level++)
        {
            m = EventLevel(column, level, plan, scratch, m);
            scratch.Swap();
        }
        if (level < _levels.Length && plan.NewValues[level] > 0) DenseLevels(column, level, plan, scratch, m, dense);
    }

    /// <summary>
    /// One level of one column from its new events (scratch.Keys/Values from <see cref="EventScratch.Front"/>, key =
    /// value index in the batch · 8 + lane, sorted): lag sums, totals, head, window and pending value, and the next
    /// level's events (written to the spare buffers; returns how many).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int EventLevel(int column, int levelIndex, BatchPlan plan, EventScratch scratch, int m)
    {
        var level = _levels[levelIndex];
        int history = _history, n = plan.NewValues[levelIndex];
        long before = level.ValuesSoFar;
        var keys = scratch.Keys;
        var values = scratch.Values;
        // The window's non-zero values go just before the new events, with negative value indices.
        var window = level.Window(column);
        int first = EventScratch.Front;
        for (int j = history - 1; j >= 0; j--)
            for (int lane = Lanes - 1; lane >= 0; lane--)
            {
                double v = window[j * Lanes + lane];
                if (v == 0) continue;
                first--;
                keys[first] = (j - history) * Lanes + lane;
                values[first] = v;
            }
        int end = EventScratch.Front + m;

        int kMin = level.KMin, kMax = level.KMax, ringMask = scratch.RingMask;
        var stamps = scratch.RingStamps;
        var ringValues = scratch.RingValues;
        Array.Fill(stamps, int.MinValue);
        Span<int> lastT = stackalloc int[Lanes];
        lastT.Fill(int.MinValue / 2);
        var acc = scratch.Acc.AsSpan(0, (kMax - kMin + 1) * Lanes);
        acc.Clear();
        Span<double> total = stackalloc double[Lanes];
        total.Clear();
        var head = level.Head(column);
        for (int i = first; i < end; i++)
        {
            int key = keys[i], t = key >> 3, lane = key & (Lanes - 1);
            double v = values[i];
            int ring = lane * (ringMask + 1);
            if (t >= 0)
            {
                // Most events of sparse frames have no earlier event of their pixel within the lags.
                if (t - lastT[lane] <= kMax)
                for (int k = kMin; k <= kMax; k++)
                {
                    int slot = ring + ((t - k) & ringMask);
                    if (stamps[slot] == t - k) acc[(k - kMin) * Lanes + lane] += v * ringValues[slot];
                }
                total[lane] += v;
                long index = before + t;
                if (index < history) head[(int)index * Lanes + lane] = v;
            }
            lastT[lane] = t;
            stamps[ring + (t & ringMask)] = t;
            ringValues[ring + (t & ringMask)] = v;
        }
        var stateAcc = level.Acc(column);
        for (int i = 0; i < acc.Length; i++) stateAcc[i] += acc[i];
        level.AddTotal(column, Vector256.Create<double>(total[..4]), Vector256.Create<double>(total[4..]));

        // The new window: the values with index ≥ n − history of the batch (old window values included).
        window.Clear();
        for (int i = end - 1; i >= first; i--)
        {
            int t = keys[i] >> 3;
            if (t < n - history) break;
            window[(t - n + history) * Lanes + (keys[i] & (Lanes - 1))] = values[i];
        }
        if (((before + n) & 1) == 1) window.Slice((history - 1) * Lanes, Lanes).CopyTo(level.Pending(column));

        if (levelIndex + 1 >= _levels.Length) return 0;
        // Pairs s of the next level completed in this batch: values 2s and 2s + 1 of this level, merged lane by lane.
        long nextBefore = _levels[levelIndex + 1].ValuesSoFar;
        long pairedFrom = 2 * nextBefore, pairedTo = 2 * (nextBefore + plan.NewValues[levelIndex + 1]);
        var outKeys = scratch.SpareKeys;
        var outValues = scratch.SpareValues;
        int made = EventScratch.Front, pair = -1;
        uint touched = 0;
        Span<double> sum = stackalloc double[Lanes];
        sum.Clear();
        for (int i = first; i < end; i++)
        {
            long index = before + (keys[i] >> 3);
            if (index < pairedFrom) continue;
            if (index >= pairedTo) break;
            int s = (int)((index >> 1) - nextBefore);
            if (s != pair)
            {
                made = Flush(pair, ref touched, sum, outKeys, outValues, made);
                pair = s;
            }
            int lane = keys[i] & (Lanes - 1);
            sum[lane] += values[i];
            touched |= 1u << lane;
        }
        made = Flush(pair, ref touched, sum, outKeys, outValues, made);
        return made - EventScratch.Front;
    }

    private static int Flush(int pair, ref uint touched, Span<double> sum, int[] keys, double[] values, int made)
    {
        while (touched != 0)
        {
            int lane = BitOperations.TrailingZeroCount(touched);
            touched &= touched - 1;
            keys[made] = pair * Lanes + lane;
            values[made++] = sum[lane];
            sum[lane] = 0;
        }
        return made;
    }

    /// <summary>Levels from <paramref name="first"/> up for one column: its events there as dense rows, then the dense kernels.</summary>
    private void DenseLevels(int column, int first, BatchPlan plan, EventScratch scratch, int m, Scratch dense)
    {
        int history = _history;
        var rows = dense.Level0.AsSpan(0, (history + plan.NewValues[first]) * Lanes);
        _levels[first].LoadHistory(column, rows);
        rows[(history * Lanes)..].Clear();
        for (int i = EventScratch.Front; i < EventScratch.Front + m; i++)
            rows[history * Lanes + scratch.Keys[i]] = scratch.Values[i];
        double[] next = dense.LevelA, spare = dense.LevelB;
        for (int l = first; l < _levels.Length && plan.NewValues[l] > 0; l++)
        {
            var level = _levels[l];
            int count = plan.NewValues[l];
            if (l > first)
            {
                rows = spare.AsSpan(0, (history + count) * Lanes);
                level.LoadHistory(column, rows);
            }
            AccumulateLags(level, column, rows, count, l, dense);
            level.KeepHeadAndWindow(column, rows, count);
            if (l + 1 < _levels.Length)
            {
                level.PairInto(column, rows, count, next.AsSpan(history * Lanes));
                (next, spare) = (spare, next);
            }
        }
    }

    /// <summary>One thread's event buffers: the current level's events after <see cref="Front"/> slots for the window's, and the next level's.</summary>
    private sealed class EventScratch
    {
        public const int Front = 64 * Lanes;
        public readonly int RingMask;
        public readonly int[] RingStamps;
        public readonly double[] RingValues;
        public readonly double[] Acc;
        public int[] Keys = [], SpareKeys = [];
        public double[] Values = [], SpareValues = [];

        public EventScratch(int history)
        {
            if (history * Lanes > Front) throw new ArgumentOutOfRangeException(nameof(history), "delays_per_level above 32 on the event path");
            int ring = (int)BitOperations.RoundUpToPowerOf2((uint)history + 1);
            RingMask = ring - 1;
            RingStamps = new int[Lanes * ring];
            RingValues = new double[Lanes * ring];
            Acc = new double[history * Lanes];
        }

        public void EnsureCapacity(int events)
        {
            // A level's events never outnumber the previous level's plus the 8 of its pending value (at most 62 levels).
            int needed = Front + events + 62 * Lanes;
            if (Keys.Length >= needed) return;
            needed = Math.Max(needed, 2 * Keys.Length);
            Keys = new int[needed];
            SpareKeys = new int[needed];
            Values = new double[needed];
            SpareValues = new double[needed];
        }

        public void Swap()
        {
            (Keys, SpareKeys) = (SpareKeys, Keys);
            (Values, SpareValues) = (SpareValues, Values);
        }
    }
}
