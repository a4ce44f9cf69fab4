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
public sealed partial class MultiTauCorrelator : IDisposable
{
    private const int Lanes = MultiTauKernels.Lanes;
    // Every sub-batch reads and writes the whole per-level state once, so longer sub-batches save memory traffic; a
    // work item's transposed frames (columns × rows × 32 B, about 0.5 MiB) must stay in L2. Sub-batches of up to 512
    // frames take 32 columns per work item (512 contiguous bytes of each frame), longer ones 16 columns.
    private const int MaxSubBatchFrames = 1024;
    private const int ShortSubBatchFrames = 512;
    private const int MaxColumnsPerWorkItem = 32;
    // The running maximum count is kept per group of this many columns, which every work item covers whole.
    private const int CountGroupColumns = 16;
    private const int PrefetchFrames = 16;
    private const float FloatExactLimit = 16_777_216f; // 2^24
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
    // The lanes of each column grouped by static bin: groups [start[c], start[c + 1]) with their bins and lane masks.
    private readonly int[] _columnBinGroupStart;
    private readonly int[] _binGroupStaticBin;
    private readonly int[] _binGroupDynamicBin;
    private readonly LaneRow[] _binGroupLanes;
    private readonly MultiTauLevelState[] _levels;
    // All levels' state in one block, rented from (and returned to) the pool; null once returned.
    private HugePageBuffer? _stateMemory;
    private readonly CorrelatorStatePool? _statePool;
    // Whether the state memory came from the pool with its pages touched (a new buffer is not, until a kernel uses it).
    private readonly bool _stateMemoryTouched;
    // Per group of columns: the largest raw count seen so far. It bounds every value of level l by 2^l times it, which
    // decides where float lanes are exact without reading the state.
    private readonly float[] _groupMaxCount;
    private CorrelationPartialSums? _finished;
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
        _statePool = options.StatePool;
        _eventPathForSparseFrames = options.EventPathForSparseFrames;
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
        (_columnBinGroupStart, _binGroupStaticBin, _binGroupDynamicBin, _binGroupLanes) = GroupLanesByBin(qmap, _columnStart, _pixelEnd);
        _columnBinned = binned.ToArray();
        _unbinnedColumns = unbinned.ToArray();

        int levelCount = Lags.Count == 0 ? 1 : Lags.Max(l => l.Level) + 1;
        long doubles = LevelStateDoubles(levelCount, _columnStart.Length);
        bool touched = false;
        _stateMemory = _statePool?.Rent(doubles, out touched) ?? new HugePageBuffer(doubles);
        _stateMemoryTouched = touched;
        _levels = LayOutLevels(_stateMemory, levelCount, _columnStart.Length);
        _groupMaxCount = new float[(_columnStart.Length + CountGroupColumns - 1) / CountGroupColumns];
        _pixelSum = new double[qmap.PixelCount];
        _binnedIntensitySum = new double[totalFrames];
    }

    private static (int[] Start, int[] StaticBin, int[] DynamicBin, LaneRow[] Lanes) GroupLanesByBin(QMap qmap, int[] columnStart, int pixelEnd)
    {
        var start = new List<int>(columnStart.Length + 1);
        var staticBins = new List<int>();
        var dynamicBins = new List<int>();
        var lanes = new List<LaneRow>();
        Span<double> mask = stackalloc double[Lanes];
        foreach (int p0 in columnStart)
        {
            start.Add(staticBins.Count);
            int laneCount = Math.Min(Lanes, pixelEnd - p0);
            for (int lane = 0; lane < laneCount; lane++)
            {
                int bin = qmap.StaticBinOfPixel[p0 + lane];
                if (bin < 0 || staticBins.IndexOf(bin, start[^1]) >= 0) continue;
                for (int other = 0; other < Lanes; other++)
                    mask[other] = other < laneCount && qmap.StaticBinOfPixel[p0 + other] == bin ? BitConverter.Int64BitsToDouble(-1) : 0;
                staticBins.Add(bin);
                dynamicBins.Add(qmap.DynamicBinOfPixel[p0 + lane]);
                lanes.Add(new LaneRow(Vector256.Create<double>(mask[..4]), Vector256.Create<double>(mask[4..])));
            }
        }
        start.Add(staticBins.Count);
        return (start.ToArray(), staticBins.ToArray(), dynamicBins.ToArray(), lanes.ToArray());
    }

    private int LevelKMin(int level) => level == 0 ? 1 : _delaysPerLevel + 1;

    /// <summary>Doubles the state of <paramref name="levels"/> levels of <paramref name="columns"/> columns takes.</summary>
    private long LevelStateDoubles(int levels, int columns)
    {
        long doubles = 0;
        for (int l = 0; l < levels; l++) doubles += MultiTauLevelState.DoublesFor(LevelKMin(l), _history, _history, columns);
        return doubles;
    }

    /// <summary>The levels' state of <paramref name="columns"/> columns, one level after the other in <paramref name="memory"/>.</summary>
    private unsafe MultiTauLevelState[] LayOutLevels(HugePageBuffer memory, int levels, int columns)
    {
        var states = new MultiTauLevelState[levels];
        double* next = memory.Pointer;
        for (int l = 0; l < levels; l++)
        {
            states[l] = new MultiTauLevelState(LevelKMin(l), _history, _history, columns, next);
            next += MultiTauLevelState.DoublesFor(LevelKMin(l), _history, _history, columns);
        }
        return states;
    }

    /// <summary>Adds the binned intensity a work item gathered for frames from <paramref name="first"/> on (exact integers: any order).</summary>
    private void AddIntensity(ReadOnlySpan<double> intensity, int first)
    {
        lock (_binnedIntensitySum)
        {
            var sums = _binnedIntensitySum.AsSpan(first, intensity.Length);
            for (int t = 0; t < intensity.Length; t++) sums[t] += intensity[t];
        }
    }

    /// <summary>The binned pixels' sums of a path that kept them in <see cref="_pixelSum"/>, into <paramref name="result"/>.</summary>
    private void CopyBinnedPixelSums(CorrelationPartialSums result)
    {
        foreach (int p0 in _columnStart)
            for (int p = p0; p < Math.Min(p0 + Lanes, _pixelEnd); p++) result.PixelSum[p] = _pixelSum[p];
    }

    /// <summary>
    /// The most state memory (doubles) a correlator of <paramref name="pixels"/> pixels and <paramref name="totalFrames"/>
    /// frames takes: as if every column of 8 pixels held a binned pixel (for <see cref="CorrelatorStatePool.Prewarm"/>).
    /// </summary>
    public static long StateDoublesAtMost(int pixels, long totalFrames, int delaysPerLevel)
    {
        var lags = MultiTauLadder.Create(totalFrames, delaysPerLevel);
        int levelCount = lags.Count == 0 ? 1 : lags.Max(l => l.Level) + 1;
        int columns = (pixels + Lanes - 1) / Lanes, history = 2 * delaysPerLevel;
        long doubles = 0;
        for (int l = 0; l < levelCount; l++) doubles += MultiTauLevelState.DoublesFor(l == 0 ? 1 : delaysPerLevel + 1, history, history, columns);
        return doubles;
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
        ObjectDisposedException.ThrowIf(_stateMemory is null, this);
        if (TryAddAsEvents(frames, n)) return;
        ReleaseHeldEvents();
        for (int first = 0; first < n; first += MaxSubBatchFrames)
        {
            int count = Math.Min(MaxSubBatchFrames, n - first);
            AddSubBatch(frames.Slice(first * pixels, count * pixels), count);
        }
        GC.KeepAlive(_stateMemory);
    }

    private void AddSubBatch<T>(ReadOnlySpan<T> frames, int n) where T : unmanaged, INumberBase<T>
    {
        int pixels = _qmap.PixelCount;
        var plan = new BatchPlan(_levels, n);
        int columnsPerItem = n > ShortSubBatchFrames ? MaxColumnsPerWorkItem / 2 : MaxColumnsPerWorkItem;
        int correlatedItems = (_columnStart.Length + columnsPerItem - 1) / columnsPerItem;
        int workItems = correlatedItems + (_unbinnedColumns.Length + columnsPerItem - 1) / columnsPerItem;
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
                            int first = item * columnsPerItem;
                            int count = Math.Min(_columnStart.Length - first, columnsPerItem);
                            float maxCount = 0;
                            if (typeof(T) == typeof(ushort))
                            {
                                GatherFloats(Unsafe.As<FrameSource<T>, FrameSource<ushort>>(ref source), first, count, scratch);
                                for (int group = first / CountGroupColumns; group * CountGroupColumns < first + count; group++)
                                    maxCount = _groupMaxCount[group] = MathF.Max(_groupMaxCount[group], MathF.Max(maxCount, scratch.Max));
                            }
                            var floatLevels = FloatLevels<T>(maxCount, plan);
                            for (int j = 0; j < count; j++) ProcessColumn(source, new ColumnState(_levels, first + j, _columnStart.Length), first + j, j, plan, floatLevels, scratch);
                        }
                        else
                        {
                            int first = (item - correlatedItems) * columnsPerItem;
                            int end = Math.Min(_unbinnedColumns.Length, first + columnsPerItem);
                            for (int c = first; c < end; c++) SumUnbinnedColumn(source, _unbinnedColumns[c]);
                        }
                        return scratch;
                    },
                    scratch =>
                    {
                        AddIntensity(scratch.Intensity.AsSpan(0, n), (int)_framesSeen);
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

    /// <summary>Where a column's level state lives: column <see cref="Column"/> of <see cref="Columns"/> in <see cref="Levels"/>.</summary>
    private readonly record struct ColumnState(MultiTauLevelState[] Levels, int Column, int Columns);

    /// <summary>How many values each level receives in this batch, and whether a value waits to be paired.</summary>
    private readonly struct BatchPlan
    {
        public readonly int[] NewValues;

        public BatchPlan(MultiTauLevelState[] levels, int frames)
        {
            NewValues = new int[levels.Length];
            NewValues[0] = frames;
            for (int l = 1; l < levels.Length; l++)
            {
                long before = levels[l - 1].ValuesSoFar;
                NewValues[l] = (int)((before + NewValues[l - 1]) / 2 - levels[l].ValuesSoFar);
            }
        }

        public void Commit(MultiTauLevelState[] levels)
        {
            for (int l = 0; l < levels.Length; l++) levels[l].ValuesSoFar += NewValues[l];
        }
    }

    /// <summary>One thread's work buffers, sized for the longest sub-batch and reused.</summary>
    private sealed class Scratch(int history)
    {
        private const int Frames = MaxSubBatchFrames;
        /// <summary>The frames of the work item's columns as float rows, each column after `history` rows.</summary>
        public readonly float[] Floats = new float[Math.Max(MaxColumnsPerWorkItem * (history + ShortSubBatchFrames),
            MaxColumnsPerWorkItem / 2 * (history + Frames)) * Lanes];
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

    /// <summary>
    /// How many levels, from level 0 up, take the float path in this batch for a work item's columns, given the largest
    /// count its columns have seen. Float lanes are
    /// exact while every lag-product sum and pair sum is an integer below 2^24: a level-l value is a sum of 2^l raw
    /// counts, so with the largest raw count M seen so far (history rows included) level l qualifies when
    /// (2^l·M)²·n_l ≤ 2^24 for its n_l new values. Only 16-bit counts are gathered as floats, and the float kernels
    /// cover 4 delays per level.
    /// </summary>
    private int FloatLevels<T>(double bound, BatchPlan plan)
    {
        if (typeof(T) != typeof(ushort) || _delaysPerLevel != 4) return 0;
        int levels = 0;
        while (levels < _levels.Length && FloatExact(Math.ScaleB(bound, levels), plan.NewValues[levels])) levels++;
        return levels;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void ProcessColumn<T>(FrameSource<T> source, ColumnState state, int column, int slot, BatchPlan plan, int floatLevels, Scratch scratch)
        where T : unmanaged, INumberBase<T>
    {
        int n = source.Frames;
        int p0 = _columnStart[column];
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        var levels = state.Levels;
        int at = state.Column;
        var level0 = levels[0];
        var binned = Vector256.LoadUnsafe(ref _columnBinned[column * Lanes]);
        bool hasNext = plan.NewValues.Length > 1;
        int made = 0;
        // The state of a column is read once per batch, from memory far larger than the caches: ask for the next
        // column's while this one is processed.
        for (int l = 0; l < levels.Length && plan.NewValues[l] > 0; l++)
        {
            if (at + 1 < state.Columns) levels[l].PrefetchStreamed(at + 1);
            levels[l].StartColumn(at);
        }

        // 16-bit counts were gathered into float rows (with the intensity per frame already added).
        bool gathered = typeof(T) == typeof(ushort);
        bool nextIsFloat;
        if (gathered && floatLevels > 0)
        {
            var floats = scratch.ColumnRows(slot, n, _history);
            level0.LoadHistory(at, floats);
            var total = MultiTauKernels.Lags1To8(floats, RowsToVisit<float>(floats, n, 0, scratch), level0.Acc(at));
            level0.AddTotal(at, total);
            level0.KeepHeadAndWindow(at, floats, n);
            nextIsFloat = floatLevels > 1;
            if (hasNext) made = nextIsFloat
                ? level0.PairInto(at, floats, n, scratch.FloatA.AsSpan(_history * Lanes))
                : level0.PairInto(at, floats, n, scratch.LevelA.AsSpan(_history * Lanes));
        }
        else
        {
            var doubles = scratch.Level0.AsSpan(0, (_history + n) * Lanes);
            if (gathered) WidenGathered(scratch.ColumnRows(slot, n, _history), doubles);
            else GatherDoubles(source, p0, lanes, doubles);
            level0.LoadHistory(at, doubles);
            if (!gathered) SumIntensity(doubles, n, binned, scratch.Intensity);
            AccumulateLags(level0, at, doubles, n, 0, scratch);
            level0.KeepHeadAndWindow(at, doubles, n);
            if (hasNext) made = level0.PairInto(at, doubles, n, scratch.LevelA.AsSpan(_history * Lanes));
            nextIsFloat = false;
        }

        float[] nextFloats = scratch.FloatA, spareFloats = scratch.FloatB;
        double[] next = scratch.LevelA, spare = scratch.LevelB;
        for (int l = 1; l < levels.Length && plan.NewValues[l] > 0; l++)
        {
            System.Diagnostics.Debug.Assert(made == plan.NewValues[l]);
            var level = levels[l];
            int count = made;
            bool more = l + 1 < levels.Length;
            if (nextIsFloat)
            {
                var buffer = nextFloats.AsSpan(0, (_history + count) * Lanes);
                level.LoadHistory(at, buffer);
                var rows = RowsToVisit<float>(buffer, count, l, scratch);
                level.AddTotal(at, MultiTauKernels.FourLags(buffer, rows, level.KMin, level.Acc(at)));
                level.KeepHeadAndWindow(at, buffer, count);
                nextIsFloat = l + 1 < floatLevels;
                if (more) made = nextIsFloat
                    ? level.PairInto(at, buffer, count, spareFloats.AsSpan(_history * Lanes))
                    : level.PairInto(at, buffer, count, spare.AsSpan(_history * Lanes));
            }
            else
            {
                var buffer = next.AsSpan(0, (_history + count) * Lanes);
                level.LoadHistory(at, buffer);
                AccumulateLags(level, at, buffer, count, l, scratch);
                level.KeepHeadAndWindow(at, buffer, count);
                if (more) made = level.PairInto(at, buffer, count, spare.AsSpan(_history * Lanes));
            }
            (next, spare) = (spare, next);
            (nextFloats, spareFloats) = (spareFloats, nextFloats);
        }
    }

    private static bool FloatExact(double bound, int n) => bound * bound * n <= FloatExactLimit;

    /// <summary>Gathered float rows as double rows, for columns whose counts are too large for float sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WidenGathered(ReadOnlySpan<float> floats, Span<double> doubles)
    {
        for (int i = _history * Lanes; i < floats.Length; i++) doubles[i] = floats[i];
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    private void AccumulateLags(MultiTauLevelState level, int column, ReadOnlySpan<double> buffer, int n, int levelIndex, Scratch scratch)
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
        int* offsets = stackalloc int[MaxColumnsPerWorkItem];
        var binned = stackalloc Vector256<float>[MaxColumnsPerWorkItem];
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
                nint* from = stackalloc nint[MaxColumnsPerWorkItem];
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
                        if (last - line <= MaxColumnsPerWorkItem * Lanes * 2 * 2)
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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


    /// <summary>
    /// The per-bin sums of this correlator's pixels; requires every declared frame. The first call finishes the
    /// correlator: its state memory goes back to the pool, and later calls return the same sums.
    /// </summary>
    public CorrelationPartialSums ToPartialSums()
    {
        if (_finished is not null) return _finished;
        ObjectDisposedException.ThrowIf(_stateMemory is null, this);
        _finished = BuildPartialSums();
        Dispose();
        return _finished;
    }

    /// <summary>Returns the state memory to the pool (or frees it); the correlator takes no more frames.</summary>
    public void Dispose()
    {
        var memory = _stateMemory;
        _stateMemory = null;
        if (memory is null) return;
        if (_statePool is not null) _statePool.Return(memory);
        else memory.Dispose();
    }

    public MultiTauResult ToResult(double frameTimeS) => ToPartialSums().ToResult(frameTimeS);
}
