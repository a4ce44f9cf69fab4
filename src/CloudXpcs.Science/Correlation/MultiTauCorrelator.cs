using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Streaming multi-tau correlator of DATA_CONTRACT §3. Frames arrive in time order in batches of any size
/// (<see cref="AddFrames{T}"/>); memory is O(pixels × levels × delays), never O(frames × pixels).
/// Pixels are processed in columns of 8 (SIMD lanes), columns in parallel. Integer counts accumulate exactly
/// (float lanes while every partial sum stays below 2^24, double otherwise), so the result does not depend on
/// how the series is split into batches or the pixels into shards.
/// </summary>
public sealed class MultiTauCorrelator
{
    private const int Lanes = MultiTauKernels.Lanes;
    private const int ColumnsPerWorkItem = 32;
    // A work item reads 32 × 16 B = 512 contiguous bytes of each frame; a sub-batch is long enough that the
    // per-level state is read once per many frames and short enough for the work item's transposed frames
    // (32 columns × 520 rows × 32 B) to stay in L2. Measured better here than 8 columns × 2048 frames.
    private const int MaxSubBatchFrames = 512;
    private const int PrefetchFrames = 16;
    private const float FloatExactLimit = 16_777_216f; // 2^24
    private const double PairableFloatLimit = 4096; // 2^12
    // Mean count per pixel from which a row of 8 lanes is rarely all zero: visiting every row is then cheaper than
    // listing the non-zero ones first.
    private const double DenseMeanCount = 0.25;

    private readonly QMap _qmap;
    private readonly int _delaysPerLevel;
    private readonly int _history;
    private readonly long _totalFrames;
    private readonly int _pixelStart;
    private readonly int _pixelEnd;
    private readonly int _maxParallelism;
    private readonly int[] _columnStart;      // first pixel of each column that holds a binned pixel
    private readonly float[] _columnBinned;   // 1 for lanes that are binned pixels of the shard, else 0
    private readonly int[] _unbinnedColumns;  // first pixel of each column without binned pixels (mean image only)
    private readonly Level[] _levels;
    private readonly double[] _pixelSum;
    private readonly double[] _binnedIntensitySum;
    // Work buffers outlive a batch: reallocating megabytes per batch costs page faults and TLB shootdowns.
    private readonly System.Collections.Concurrent.ConcurrentBag<Scratch> _scratchPool = [];
    private long _framesSeen;

    public MultiTauCorrelator(QMap qmap, long totalFrames, MultiTauOptions? options = null)
    {
        options ??= new MultiTauOptions();
        if (totalFrames < 1) throw new ArgumentOutOfRangeException(nameof(totalFrames), "a series needs at least one frame");
        if (options.DelaysPerLevel < 1) throw new ArgumentOutOfRangeException(nameof(options), "delays_per_level must be >= 1");
        _qmap = qmap;
        _delaysPerLevel = options.DelaysPerLevel;
        _history = 2 * _delaysPerLevel;
        _totalFrames = totalFrames;
        _pixelStart = options.PixelStart;
        _pixelEnd = options.PixelEnd < 0 ? qmap.PixelCount : options.PixelEnd;
        if (_pixelStart < 0 || _pixelEnd > qmap.PixelCount || _pixelStart > _pixelEnd)
            throw new ArgumentOutOfRangeException(nameof(options), $"pixel shard [{_pixelStart}, {_pixelEnd}) is outside the detector of {qmap.PixelCount} pixels");
        _maxParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount;
        Lags = MultiTauLadder.Create(totalFrames, _delaysPerLevel);

        var columns = new List<int>();
        var binned = new List<float>();
        var unbinned = new List<int>();
        for (int p0 = _pixelStart; p0 < _pixelEnd; p0 += Lanes)
        {
            int lanes = Math.Min(Lanes, _pixelEnd - p0);
            bool any = false;
            for (int lane = 0; lane < lanes; lane++) any |= qmap.DynamicBinOfPixel[p0 + lane] >= 0;
            if (!any)
            {
                unbinned.Add(p0);
                continue;
            }
            columns.Add(p0);
            for (int lane = 0; lane < Lanes; lane++)
                binned.Add(lane < lanes && qmap.DynamicBinOfPixel[p0 + lane] >= 0 ? 1f : 0f);
        }
        _columnStart = columns.ToArray();
        _columnBinned = binned.ToArray();
        _unbinnedColumns = unbinned.ToArray();

        int levelCount = Lags.Count == 0 ? 1 : Lags.Max(l => l.Level) + 1;
        _levels = new Level[levelCount];
        for (int l = 0; l < levelCount; l++)
        {
            int kMin = l == 0 ? 1 : _delaysPerLevel + 1;
            _levels[l] = new Level(kMin, _history, _history, _columnStart.Length, _maxParallelism);
        }
        _pixelSum = new double[qmap.PixelCount];
        _binnedIntensitySum = new double[totalFrames];
    }

    public IReadOnlyList<MultiTauLag> Lags { get; }
    public long FramesSeen => _framesSeen;

    /// <summary>Bytes held for the correlation state (per-level windows, sums, heads) and per-frame intensity.</summary>
    public long StateBytes => _levels.Sum(l => l.StateBytes) + 8L * (_pixelSum.Length + _binnedIntensitySum.Length);
    public long TotalFrames => _totalFrames;

    /// <summary>
    /// Adds frames in time order: <paramref name="frames"/> holds whole detector frames, row-major, one after the
    /// other. Values must be finite and non-negative (the data layer validates them).
    /// </summary>
    public void AddFrames<T>(ReadOnlySpan<T> frames) where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        if (frames.Length % pixels != 0)
            throw new ArgumentException($"frame data of {frames.Length} values is not a whole number of {pixels}-pixel frames");
        int n = frames.Length / pixels;
        if (n == 0) return;
        if (_framesSeen + n > _totalFrames)
            throw new InvalidOperationException($"more frames than the {_totalFrames} declared");
        for (int first = 0; first < n; first += MaxSubBatchFrames)
        {
            int count = Math.Min(MaxSubBatchFrames, n - first);
            AddSubBatch(frames.Slice(first * pixels, count * pixels), count);
        }
    }

    private void AddSubBatch<T>(ReadOnlySpan<T> frames, int n) where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        var plan = new BatchPlan(_levels, n);
        int correlatedItems = (_columnStart.Length + ColumnsPerWorkItem - 1) / ColumnsPerWorkItem;
        int workItems = correlatedItems + (_unbinnedColumns.Length + ColumnsPerWorkItem - 1) / ColumnsPerWorkItem;
        unsafe
        {
            fixed (T* ptr = frames)
            {
                var source = new FrameSource<T>(ptr, pixels, n);
                Parallel.For(0, workItems, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism },
                    () => _scratchPool.TryTake(out var pooled) ? pooled.Reset(n) : new Scratch(_history).Reset(n),
                    (item, _, scratch) =>
                    {
                        if (item < correlatedItems)
                        {
                            int first = item * ColumnsPerWorkItem;
                            int count = Math.Min(_columnStart.Length - first, ColumnsPerWorkItem);
                            if (typeof(T) == typeof(ushort)) GatherFloats(Unsafe.As<FrameSource<T>, FrameSource<ushort>>(ref source), first, count, scratch);
                            for (int j = 0; j < count; j++) ProcessColumn(source, first + j, j, plan, scratch);
                        }
                        else
                        {
                            int first = (item - correlatedItems) * ColumnsPerWorkItem;
                            int end = Math.Min(_unbinnedColumns.Length, first + ColumnsPerWorkItem);
                            for (int c = first; c < end; c++) SumUnbinnedColumn(source, _unbinnedColumns[c]);
                        }
                        return scratch;
                    },
                    scratch =>
                    {
                        lock (_binnedIntensitySum)
                        {
                            var sums = _binnedIntensitySum.AsSpan((int)_framesSeen, n);
                            for (int t = 0; t < n; t++) sums[t] += scratch.Intensity[t];
                        }
                        _scratchPool.Add(scratch);
                    });
            }
        }
        plan.Commit(_levels);
        _framesSeen += n;
    }

    private unsafe readonly struct FrameSource<T>(T* data, int pixels, int frames) where T : unmanaged, INumberBase<T>
    {
        public int Frames => frames;
        public T* Row(int frame, int pixel) => data + (long)frame * pixels + pixel;
    }

    /// <summary>How many values each level receives in this batch, and whether a value waits to be paired.</summary>
    private readonly struct BatchPlan
    {
        public readonly int[] NewValues;

        public BatchPlan(Level[] levels, int frames)
        {
            NewValues = new int[levels.Length];
            NewValues[0] = frames;
            for (int l = 1; l < levels.Length; l++)
            {
                long before = levels[l - 1].ValuesSoFar;
                NewValues[l] = (int)((before + NewValues[l - 1]) / 2 - levels[l].ValuesSoFar);
            }
        }

        public void Commit(Level[] levels)
        {
            for (int l = 0; l < levels.Length; l++) levels[l].ValuesSoFar += NewValues[l];
        }
    }

    /// <summary>One thread's work buffers, sized for the longest sub-batch and reused.</summary>
    private sealed class Scratch(int history)
    {
        private const int Frames = MaxSubBatchFrames;
        /// <summary>The frames of the work item's columns as float rows, each column after `history` rows.</summary>
        public readonly float[] Floats = new float[ColumnsPerWorkItem * (history + Frames) * Lanes];
        public readonly double[] Level0 = new double[(history + Frames) * Lanes];
        public readonly double[] LevelA = new double[(history + Frames / 2 + 1) * Lanes];
        public readonly double[] LevelB = new double[(history + Frames / 2 + 1) * Lanes];
        public readonly float[] FloatA = new float[(history + Frames / 2 + 1) * Lanes];
        public readonly float[] FloatB = new float[(history + Frames / 2 + 1) * Lanes];
        /// <summary>0, 1, 2, ...: the rows to visit when every row is visited.</summary>
        public readonly int[] AllRows = Enumerable.Range(0, history + Frames).ToArray();
        public readonly double[] Intensity = new double[Frames];
        /// <summary>Indices of the non-zero rows of the buffer a kernel is about to visit.</summary>
        public readonly int[] Rows = new int[Frames];

        public Scratch Reset(int frames)
        {
            Array.Clear(Intensity, 0, frames);
            MeanCount = 0;
            return this;
        }

        public Span<float> ColumnRows(int slot, int frames, int history) =>
            Floats.AsSpan(slot * (history + frames) * Lanes, (history + frames) * Lanes);

        /// <summary>The largest count of the work item's gathered frames.</summary>
        public float Max;

        /// <summary>The mean count of the binned pixels of the work item's gathered frames (0 when not gathered).</summary>
        public double MeanCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ProcessColumn<T>(FrameSource<T> source, int column, int slot, BatchPlan plan, Scratch scratch)
        where T : unmanaged, INumberBase<T>
    {
        int n = source.Frames;
        int p0 = _columnStart[column];
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        var level0 = _levels[0];
        var binned = Vector256.LoadUnsafe(ref _columnBinned[column * Lanes]);
        bool hasNext = plan.NewValues.Length > 1;
        int made = 0;
        // The state of a column is read once per batch, from memory far larger than the caches: ask for the next
        // column's while this one is processed.
        if (column + 1 < _columnStart.Length)
            for (int l = 0; l < _levels.Length && plan.NewValues[l] > 0; l++) _levels[l].Prefetch(column + 1);
        bool nextIsFloat = false;

        // 16-bit counts were gathered into float rows (with the intensity per frame already added). Float lanes are
        // exact while every lag-product sum and every pair sum stays an integer below 2^24; the history rows of
        // earlier batches count towards that bound.
        bool gathered = typeof(T) == typeof(ushort);
        if (gathered && _delaysPerLevel == 4 && FloatExact(Math.Max(scratch.Max, level0.HistoryMax(column)), n))
        {
            var floats = scratch.ColumnRows(slot, n, _history);
            level0.LoadHistory(column, floats);
            var total = MultiTauKernels.Lags1To8(floats, RowsToVisit<float>(floats, n, 0, scratch), level0.Acc(column));
            level0.AddTotal(column, total);
            level0.KeepHeadAndWindow(column, floats, n);
            if (hasNext) made = PairFloats(level0, _levels[1], column, floats, n, scratch.FloatA, scratch.LevelA, out nextIsFloat);
        }
        else
        {
            var doubles = scratch.Level0.AsSpan(0, (_history + n) * Lanes);
            GatherDoubles(source, p0, lanes, doubles);
            level0.LoadHistory(column, doubles);
            if (!gathered) SumIntensity(doubles, n, binned, scratch.Intensity);
            AccumulateLags(level0, column, doubles, n, 0, scratch);
            level0.KeepHeadAndWindow(column, doubles, n);
            if (hasNext) made = level0.PairInto(column, doubles, n, scratch.LevelA.AsSpan(_history * Lanes));
        }

        float[] nextFloats = scratch.FloatA, spareFloats = scratch.FloatB;
        double[] next = scratch.LevelA, spare = scratch.LevelB;
        for (int l = 1; l < _levels.Length && plan.NewValues[l] > 0; l++)
        {
            System.Diagnostics.Debug.Assert(made == plan.NewValues[l]);
            var level = _levels[l];
            int count = made;
            bool isFloat = nextIsFloat;
            bool more = l + 1 < _levels.Length;
            if (isFloat)
            {
                var buffer = nextFloats.AsSpan(0, (_history + count) * Lanes);
                level.LoadHistory(column, buffer);
                var rows = RowsToVisit<float>(buffer, count, l, scratch);
                level.AddTotal(column, MultiTauKernels.FourLags(buffer, rows, level.KMin, level.Acc(column)));
                level.KeepHeadAndWindow(column, buffer, count);
                if (more) made = PairFloats(level, _levels[l + 1], column, buffer, count, spareFloats, spare, out nextIsFloat);
            }
            else
            {
                var buffer = next.AsSpan(0, (_history + count) * Lanes);
                level.LoadHistory(column, buffer);
                AccumulateLags(level, column, buffer, count, l, scratch);
                level.KeepHeadAndWindow(column, buffer, count);
                if (more) made = level.PairInto(column, buffer, count, spare.AsSpan(_history * Lanes));
                nextIsFloat = false;
            }
            (next, spare) = (spare, next);
            (nextFloats, spareFloats) = (spareFloats, nextFloats);
        }
    }

    private static bool FloatExact(double bound, int n) => bound * bound * n <= FloatExactLimit;

    /// <summary>
    /// Pairs float values of one level into the next level's values: float rows when they, the history of the next
    /// level and its lag products stay exact in float, otherwise double rows. Returns how many were made.
    /// </summary>
    // Straight to full optimization: the tiered, profile-guided build of this method kept the running maximum of the
    // pair loop on the stack.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PairFloats(Level from, Level to, int column, ReadOnlySpan<float> buffer, int n, float[] floats, double[] doubles,
        out bool isFloat)
    {
        isFloat = false;
        // A value left unpaired by an earlier batch may be large; the pair sums stay exact in float below 2^13.
        if (from.PendingMax(column) > PairableFloatLimit)
            return from.PairInto(column, buffer, n, doubles.AsSpan(_history * Lanes));
        int made = from.PairInto(column, buffer, n, floats.AsSpan(_history * Lanes), out float max);
        if (FloatExact(Math.Max(max, to.HistoryMax(column)), made))
        {
            isFloat = true;
            return made;
        }
        var values = floats.AsSpan(_history * Lanes, made * Lanes);
        var wide = doubles.AsSpan(_history * Lanes, made * Lanes);
        for (int i = 0; i < values.Length; i++) wide[i] = values[i];
        return made;
    }

    /// <summary>
    /// The rows a kernel visits: every new row when the level's values are rarely zero (dense frames), otherwise only
    /// the non-zero ones, so that sparse frames cost work in proportion to the photons. Either way the sums are the same.
    /// </summary>
    private ReadOnlySpan<int> RowsToVisit<TValue>(ReadOnlySpan<TValue> buffer, int n, int level, Scratch scratch)
        where TValue : unmanaged
    {
        if (Math.ScaleB(scratch.MeanCount, level) >= DenseMeanCount) return scratch.AllRows.AsSpan(_history, n);
        return scratch.Rows.AsSpan(0, MultiTauKernels.NonZeroRows(buffer, _history, n, scratch.Rows));
    }

    private unsafe void SumUnbinnedColumn<T>(FrameSource<T> source, int p0) where T : unmanaged, INumberBase<T>
    {
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        Span<double> sums = stackalloc double[Lanes];
        for (int t = 0; t < source.Frames; t++)
        {
            T* row = source.Row(t, p0);
            for (int lane = 0; lane < lanes; lane++) sums[lane] += double.CreateTruncating(row[lane]);
        }
        for (int lane = 0; lane < lanes; lane++) _pixelSum[p0 + lane] += sums[lane];
    }

    /// <summary>Adds the lag products of the new rows to the level's sums, and their values to its totals.</summary>
    private void AccumulateLags(Level level, int column, ReadOnlySpan<double> buffer, int n, int levelIndex, Scratch scratch)
    {
        var rows = RowsToVisit(buffer, n, levelIndex, scratch);
        var acc = level.Acc(column);
        (Vector256<double> Lo, Vector256<double> Hi) total;
        if (_delaysPerLevel == 4)
        {
            if (level.KMin == 1) MultiTauKernels.FourLags(buffer, rows, 1, acc, 0);
            total = MultiTauKernels.FourLags(buffer, rows, 5, acc, level.KMin == 1 ? 4 : 0);
        }
        else
        {
            total = MultiTauKernels.AnyLags(buffer, rows, level.KMin, 2 * _delaysPerLevel, acc);
        }
        level.AddTotal(column, total.Lo, total.Hi);
    }

    /// <summary>
    /// Transposes the work item's columns of every 16-bit frame into per-column float rows after the history rows,
    /// records the largest count, and adds the binned counts of each frame to the intensity. Frame-major order keeps
    /// the reads of one frame contiguous.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void GatherFloats(FrameSource<ushort> source, int firstColumn, int columns, Scratch scratch)
    {
        int n = source.Frames;
        int rowsPerColumn = (_history + n) * Lanes;
        int* offsets = stackalloc int[ColumnsPerWorkItem];
        var binned = stackalloc Vector256<float>[ColumnsPerWorkItem];
        bool allFull = true;
        for (int j = 0; j < columns; j++)
        {
            offsets[j] = _columnStart[firstColumn + j];
            binned[j] = Vector256.LoadUnsafe(ref _columnBinned[(firstColumn + j) * Lanes]);
            allFull &= offsets[j] + Lanes <= _pixelEnd;
        }
        var max = Vector256<float>.Zero;
        double itemSum = 0, binnedLanes = 0;
        for (int j = 0; j < columns; j++) binnedLanes += Vector256.Sum(binned[j]);
        fixed (float* rows = scratch.Floats)
        fixed (double* intensity = scratch.Intensity)
        {
            float* dst = rows + _history * Lanes;
            if (allFull && Avx2.IsSupported)
            {
                int firstOffset = offsets[0], lastOffset = offsets[columns - 1];
                nint* from = stackalloc nint[ColumnsPerWorkItem];
                for (int j = 0; j < columns; j++) from[j] = offsets[j];
                nint stride = rowsPerColumn;
                for (int t = 0; t < n; t++)
                {
                    ushort* frame = source.Row(t, 0);
                    // Frames lie a detector apart, too far for the hardware prefetcher: ask for later frames' lines.
                    if (t + PrefetchFrames < n)
                    {
                        byte* ahead = (byte*)source.Row(t + PrefetchFrames, 0);
                        byte* last = ahead + 2 * (lastOffset + Lanes) - 1;
                        // Every line when the columns lie close together (a full detector row), else the ends only.
                        byte* line = ahead + 2 * firstOffset;
                        if (last - line <= ColumnsPerWorkItem * Lanes * 2 * 2)
                            for (; line < last; line += 64) Sse.Prefetch0(line);
                        else
                            Sse.Prefetch0(line);
                        Sse.Prefetch0(last);
                    }
                    var sum = Vector256<float>.Zero;
                    var sum2 = Vector256<float>.Zero;
                    float* row = dst + t * Lanes;
                    int j = 0;
                    for (; j + 1 < columns; j += 2, row += 2 * stride)
                    {
                        var x = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.LoadVector128(frame + from[j])));
                        var y = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.LoadVector128(frame + from[j + 1])));
                        Avx.Store(row, x);
                        Avx.Store(row + stride, y);
                        max = Avx.Max(max, Avx.Max(x, y));
                        sum = Vector256.FusedMultiplyAdd(x, binned[j], sum);
                        sum2 = Vector256.FusedMultiplyAdd(y, binned[j + 1], sum2);
                    }
                    if (j < columns)
                    {
                        var x = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Sse2.LoadVector128(frame + from[j])));
                        Avx.Store(row, x);
                        max = Avx.Max(max, x);
                        sum = Vector256.FusedMultiplyAdd(x, binned[j], sum);
                    }
                    sum += sum2;
                    // Exact: at most 32 columns × 8 lanes of 16-bit counts stay below 2^24.
                    float frameSum = Vector256.Sum(sum);
                    intensity[t] += frameSum;
                    itemSum += frameSum;
                }
            }
            else
            {
                Span<float> values = stackalloc float[Lanes];
                for (int t = 0; t < n; t++)
                {
                    ushort* frame = source.Row(t, 0);
                    var sum = Vector256<float>.Zero;
                    for (int j = 0; j < columns; j++)
                    {
                        for (int lane = 0; lane < Lanes; lane++)
                            values[lane] = offsets[j] + lane < _pixelEnd ? frame[offsets[j] + lane] : 0f;
                        var x = Vector256.Create<float>(values);
                        x.Store(dst + j * rowsPerColumn + t * Lanes);
                        max = Vector256.MaxNative(max, x);
                        sum = Vector256.FusedMultiplyAdd(x, binned[j], sum);
                    }
                    float frameSum = Vector256.Sum(sum);
                    intensity[t] += frameSum;
                    itemSum += frameSum;
                }
            }
        }
        scratch.Max = HorizontalMax(max);
        scratch.MeanCount = binnedLanes > 0 ? itemSum / (binnedLanes * n) : 0;
    }

    private unsafe void GatherDoubles<T>(FrameSource<T> source, int p0, int lanes, Span<double> rows)
        where T : unmanaged, INumberBase<T>
    {
        int history = _history;
        for (int t = 0; t < source.Frames; t++)
        {
            T* row = source.Row(t, p0);
            int o = (history + t) * Lanes;
            for (int lane = 0; lane < Lanes; lane++) rows[o + lane] = lane < lanes ? double.CreateTruncating(row[lane]) : 0.0;
        }
    }

    private void SumIntensity(ReadOnlySpan<double> rows, int n, Vector256<float> binned, double[] intensity)
    {
        var (lo, hi) = Vector256.Widen(binned);
        for (int t = 0; t < n; t++)
        {
            ref double r = ref Unsafe.Add(ref MemoryMarshal.GetReference(rows), (_history + t) * Lanes);
            intensity[t] += Vector256.Sum(Vector256.LoadUnsafe(ref r) * lo) + Vector256.Sum(Vector256.LoadUnsafe(ref r, 4) * hi);
        }
    }

    private static float HorizontalMax(Vector256<float> v)
    {
        // Values are finite and non-negative: the plain maximum instruction suffices.
        var half = Vector128.MaxNative(v.GetLower(), v.GetUpper());
        half = Vector128.MaxNative(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
        return MathF.Max(0, MathF.Max(half[0], half[1]));
    }

    /// <summary>The per-bin sums of this correlator's pixels; requires every declared frame.</summary>
    private const int FinalizationParts = 8;

    public CorrelationPartialSums ToPartialSums()
    {
        // The level state lives in native memory owned by the levels: keep them alive while spans point into it.
        try { return BuildPartialSums(); }
        finally { GC.KeepAlive(_levels); }
    }

    private CorrelationPartialSums BuildPartialSums()
    {
        if (_framesSeen != _totalFrames)
            throw new InvalidOperationException($"the series declares {_totalFrames} frames but {_framesSeen} were added");
        // Column ranges in parallel, each into its own sums, merged exactly as pixel shards are. The number of ranges does
        // not depend on the thread count, so the result is bit-for-bit the same with any number of threads.
        int parts = Math.Max(1, Math.Min(FinalizationParts, _columnStart.Length / 256));
        var partial = new CorrelationPartialSums[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, part =>
        {
            var sums = new CorrelationPartialSums(_qmap, _totalFrames, Lags, withPixelArrays: false);
            int first = (int)((long)_columnStart.Length * part / parts), end = (int)((long)_columnStart.Length * (part + 1) / parts);
            for (int c = first; c < end; c++) AddColumnSums(sums, c);
            partial[part] = sums;
        });
        var merged = partial.Aggregate(CorrelationPartialSums.Merge);
        var result = new CorrelationPartialSums(_qmap, _totalFrames, Lags);
        CorrelationPartialSums.CopyBinSums(merged, result);
        Array.Copy(_binnedIntensitySum, result.BinnedIntensitySum, _binnedIntensitySum.Length);
        foreach (int p0 in _unbinnedColumns)
            for (int p = p0; p < Math.Min(p0 + Lanes, _pixelEnd); p++) result.PixelSum[p] = _pixelSum[p];
        for (int c = 0; c < _columnStart.Length; c++)
        {
            int p0 = _columnStart[c];
            for (int lane = 0; lane < Math.Min(Lanes, _pixelEnd - p0); lane++)
            {
                int p = p0 + lane;
                result.PixelSum[p] = _levels[0].Total(c, lane);
                if (_qmap.StaticBinOfPixel[p] >= 0) result.StaticPixels[_qmap.StaticBinOfPixel[p]]++;
            }
        }
        return result;
    }

    /// <summary>G2_p, IP_p and IF_p of every lag for the 8 pixels of one column, added to their bins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddColumnSums(CorrelationPartialSums sums, int c)
    {
        int p0 = _columnStart[c];
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        int[] staticBinOfPixel = _qmap.StaticBinOfPixel, dynamicBinOfPixel = _qmap.DynamicBinOfPixel;
        int staticBins = _qmap.StaticBinCount, dynamicBins = _qmap.DynamicBinCount;
        double[] g2Sum = sums.StaticG2Sum, ipSum = sums.StaticIpSum, ifSum = sums.StaticIfSum;
        Span<double> g2 = stackalloc double[Lanes], ip = stackalloc double[Lanes], @if = stackalloc double[Lanes];
        LaneRow head = default, tail = default, total = default;
        int k = 0, lastLevel = -1;
        Level level = _levels[0];
        if (c + 1 < _columnStart.Length)
            foreach (var l in _levels) l.Prefetch(c + 1);
        for (int i = 0; i < Lags.Count; i++)
        {
            var lag = Lags[i];
            if (lag.Level != lastLevel)
            {
                level = _levels[lag.Level];
                head = default;
                tail = default;
                total = level.TotalRow(c);
                k = 0;
                lastLevel = lag.Level;
            }
            // Sums of the first k values (head) and of the last k values (tail), built up lag by lag.
            for (; k < lag.K; k++)
            {
                head += level.HeadRow(c, k);
                tail += level.TailRow(c, k);
            }
            var pairs = Vector256.Create((double)(level.ValuesSoFar - lag.K));
            var scale = Vector256.Create(Math.ScaleB(1.0, -lag.Level));
            var acc = level.AccRow(c, lag.K);
            (acc.Lo / pairs * scale * scale).CopyTo(g2);
            (acc.Hi / pairs * scale * scale).CopyTo(g2[4..]);
            ((total.Lo - tail.Lo) / pairs * scale).CopyTo(ip);
            ((total.Hi - tail.Hi) / pairs * scale).CopyTo(ip[4..]);
            ((total.Lo - head.Lo) / pairs * scale).CopyTo(@if);
            ((total.Hi - head.Hi) / pairs * scale).CopyTo(@if[4..]);
            int staticRow = i * staticBins, dynamicRow = i * dynamicBins;
            for (int lane = 0; lane < lanes; lane++)
            {
                int staticBin = staticBinOfPixel[p0 + lane];
                if (staticBin < 0) continue;
                g2Sum[staticRow + staticBin] += g2[lane];
                ipSum[staticRow + staticBin] += ip[lane];
                ifSum[staticRow + staticBin] += @if[lane];
                double denominator = ip[lane] * @if[lane];
                if (denominator > 0) sums.AddRatio(dynamicRow + dynamicBinOfPixel[p0 + lane], g2[lane] / denominator);
            }
        }
    }

    /// <summary>One row of 8 lanes of level state as two 4-lane halves.</summary>
    private readonly record struct LaneRow(Vector256<double> Lo, Vector256<double> Hi)
    {
        public static LaneRow operator +(LaneRow a, LaneRow b) => new(a.Lo + b.Lo, a.Hi + b.Hi);
    }

    public MultiTauResult ToResult(double frameTimeS) => ToPartialSums().ToResult(frameTimeS);

    /// <summary>
    /// The state of one level for every column: the last `history` values (window), the lag-product sums,
    /// the first `history` values (head), the running total and the value waiting to be paired into the next level.
    /// </summary>
    private sealed class Level
    {
        private readonly int _history;
        private readonly int _lagCount;
        private readonly int _stride;
        private readonly HugePageBuffer _memory;
        // Native memory on huge pages (see HugePageBuffer), alive as long as this level.
        private readonly unsafe double* _state;
        private unsafe Span<double> State => new(_state, _memory.Length);

        public Level(int kMin, int kMax, int history, int columns, int maxParallelism)
        {
            KMin = kMin;
            _history = history;
            _lagCount = kMax - kMin + 1;
            _stride = (history + _lagCount + history + 2) * Lanes;
            _memory = new HugePageBuffer((long)_stride * columns, maxParallelism);
            unsafe { _state = _memory.Pointer; }
        }

        public int KMin { get; }
        public long ValuesSoFar { get; set; }
        public long StateBytes => 8L * _memory.Length;

        private int WindowOffset(int c) => c * _stride;
        private int AccOffset(int c) => WindowOffset(c) + _history * Lanes;
        private int HeadOffset(int c) => AccOffset(c) + _lagCount * Lanes;
        private int TotalOffset(int c) => HeadOffset(c) + _history * Lanes;
        private int PendingOffset(int c) => TotalOffset(c) + Lanes;

        public Span<double> Acc(int c) => State.Slice(AccOffset(c), _lagCount * Lanes);
        public double Total(int c, int lane) => State[TotalOffset(c) + lane];

        public LaneRow AccRow(int c, int k) => LoadRow(AccOffset(c) + (k - KMin) * Lanes);
        public LaneRow TotalRow(int c) => LoadRow(TotalOffset(c));

        /// <summary>The j-th first value of the stream.</summary>
        public LaneRow HeadRow(int c, int j) => LoadRow(HeadOffset(c) + j * Lanes);

        /// <summary>The j-th last value of the stream.</summary>
        public LaneRow TailRow(int c, int j) => LoadRow(WindowOffset(c) + (_history - 1 - j) * Lanes);

        /// <summary>Asks for the cache lines of one column's state.</summary>
        public unsafe void Prefetch(int c)
        {
            if (!Sse.IsSupported) return;
            byte* line = (byte*)(_state + WindowOffset(c));
            byte* end = line + _stride * sizeof(double);
            for (; line < end; line += 64) Sse.Prefetch0(line);
        }

        private unsafe LaneRow LoadRow(int offset)
        {
            System.Diagnostics.Debug.Assert(offset >= 0 && offset + Lanes <= _memory.Length);
            double* row = _state + offset;
            return new LaneRow(Vector256.Load(row), Vector256.Load(row + 4));
        }

        /// <summary>The largest value of the window (the last `history` values).</summary>
        public double HistoryMax(int c) => MaxOf(State.Slice(WindowOffset(c), _history * Lanes));

        /// <summary>The largest value waiting to be paired.</summary>
        public double PendingMax(int c) => MaxOf(State.Slice(PendingOffset(c), Lanes));

        private static double MaxOf(ReadOnlySpan<double> values)
        {
            var max = Vector256<double>.Zero;
            ref double v = ref MemoryMarshal.GetReference(values);
            for (int i = 0; i < values.Length; i += 4) max = Vector256.MaxNative(max, Vector256.LoadUnsafe(ref v, (nuint)i));
            return Math.Max(Math.Max(max[0], max[1]), Math.Max(max[2], max[3]));
        }

        public void LoadHistory(int c, Span<double> buffer) =>
            State.Slice(WindowOffset(c), _history * Lanes).CopyTo(buffer);

        public void LoadHistory(int c, Span<float> buffer)
        {
            var window = State.Slice(WindowOffset(c), _history * Lanes);
            if (buffer.Length < window.Length) throw new ArgumentException("buffer shorter than the history", nameof(buffer));
            ref double w = ref MemoryMarshal.GetReference(window);
            ref float b = ref MemoryMarshal.GetReference(buffer);
            for (int i = 0; i < window.Length; i += Lanes)
                Vector256.Narrow(Vector256.LoadUnsafe(ref w, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i + 4)).StoreUnsafe(ref b, (nuint)i);
        }

        /// <summary>Adds lane totals that are exact integers in float.</summary>
        public void AddTotal(int c, Vector256<float> sum)
        {
            var (lo, hi) = Vector256.Widen(sum);
            AddTotal(c, lo, hi);
        }

        public void AddTotal(int c, Vector256<double> lo, Vector256<double> hi)
        {
            ref double total = ref State[TotalOffset(c)];
            (Vector256.LoadUnsafe(ref total) + lo).StoreUnsafe(ref total);
            (Vector256.LoadUnsafe(ref total, 4) + hi).StoreUnsafe(ref total, 4);
        }

        /// <summary>Keeps the first values of the stream (head) and the last `history` rows (window).</summary>
        public void KeepHeadAndWindow<T>(int c, ReadOnlySpan<T> buffer, int n) where T : unmanaged, INumberBase<T>
        {
            ref T rows = ref MemoryMarshal.GetReference(buffer);
            ref double state = ref MemoryMarshal.GetReference(State);
            for (long v = ValuesSoFar; v < _history && v < ValuesSoFar + n; v++)
                StoreRow(ref Unsafe.Add(ref state, HeadOffset(c) + (int)v * Lanes), Row(ref rows, (int)(_history + v - ValuesSoFar)));
            for (int j = 0; j < _history; j++)
                StoreRow(ref Unsafe.Add(ref state, WindowOffset(c) + j * Lanes), Row(ref rows, n + j));
        }

        /// <summary>
        /// Pairs this level's new values (after the history rows of <paramref name="buffer"/>) into the next level's
        /// values, starting with the value left unpaired by the previous batch; returns how many were made.
        /// </summary>
        public int PairInto<T>(int c, ReadOnlySpan<T> buffer, int n, Span<double> output) where T : unmanaged, INumberBase<T>
        {
            ref T rows = ref MemoryMarshal.GetReference(buffer);
            ref double pending = ref State[PendingOffset(c)];
            ref double o = ref MemoryMarshal.GetReference(output);
            int made = 0, i = 0;
            if ((ValuesSoFar & 1) == 1 && n > 0)
            {
                var (lo, hi) = Row(ref rows, _history);
                StoreRow(ref o, (Vector256.LoadUnsafe(ref pending) + lo, Vector256.LoadUnsafe(ref pending, 4) + hi));
                made = 1;
                i = 1;
            }
            for (; i + 1 < n; i += 2, made++)
            {
                var (alo, ahi) = Row(ref rows, _history + i);
                var (blo, bhi) = Row(ref rows, _history + i + 1);
                StoreRow(ref Unsafe.Add(ref o, made * Lanes), (alo + blo, ahi + bhi));
            }
            if (i < n) StoreRow(ref pending, Row(ref rows, _history + i));
            return made;
        }

        /// <summary>
        /// <see cref="PairInto{T}"/> for float values whose pair sums are exact in float (the caller checks the value
        /// waiting to be paired); also returns the largest value made.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int PairInto(int c, ReadOnlySpan<float> buffer, int n, Span<float> output, out float max)
        {
            ref float rows = ref MemoryMarshal.GetReference(buffer);
            ref double pending = ref State[PendingOffset(c)];
            ref float o = ref MemoryMarshal.GetReference(output);
            var largest = Vector256<float>.Zero;
            int made = 0, i = 0;
            if ((ValuesSoFar & 1) == 1 && n > 0)
            {
                var first = Vector256.Narrow(Vector256.LoadUnsafe(ref pending), Vector256.LoadUnsafe(ref pending, 4))
                            + Vector256.LoadUnsafe(ref rows, (nuint)(_history * Lanes));
                first.StoreUnsafe(ref o);
                largest = first;
                made = 1;
                i = 1;
            }
            ref float a = ref Unsafe.Add(ref rows, (_history + i) * Lanes);
            ref float destination = ref Unsafe.Add(ref o, made * Lanes);
            for (; i + 1 < n; i += 2, made++)
            {
                var sum = Vector256.LoadUnsafe(ref a) + Vector256.LoadUnsafe(ref a, Lanes);
                sum.StoreUnsafe(ref destination);
                // Values are finite and non-negative: the plain maximum instruction suffices.
                largest = Vector256.MaxNative(largest, sum);
                a = ref Unsafe.Add(ref a, 2 * Lanes);
                destination = ref Unsafe.Add(ref destination, Lanes);
            }
            if (i < n) StoreRow(ref pending, Row(ref rows, _history + i));
            max = HorizontalMax(largest);
            return made;
        }

        private static void StoreRow(ref double destination, (Vector256<double> Lo, Vector256<double> Hi) row)
        {
            row.Lo.StoreUnsafe(ref destination);
            row.Hi.StoreUnsafe(ref destination, 4);
        }

        private static (Vector256<double> Lo, Vector256<double> Hi) Row<T>(ref T rows, int row) where T : unmanaged
        {
            if (typeof(T) == typeof(float))
                return Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref rows), (nuint)(row * Lanes)));
            ref double r = ref Unsafe.As<T, double>(ref rows);
            return (Vector256.LoadUnsafe(ref r, (nuint)(row * Lanes)), Vector256.LoadUnsafe(ref r, (nuint)(row * Lanes + 4)));
        }
    }
}
