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
    private const float FloatExactLimit = 16_777_216f; // 2^24

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
            _levels[l] = new Level(kMin, _history, _history, _columnStart.Length);
        }
        _pixelSum = new double[qmap.PixelCount];
        _binnedIntensitySum = new double[totalFrames];
    }

    public IReadOnlyList<MultiTauLag> Lags { get; }
    public long FramesSeen => _framesSeen;
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

        var plan = new BatchPlan(_levels, n);
        int correlatedItems = (_columnStart.Length + ColumnsPerWorkItem - 1) / ColumnsPerWorkItem;
        int workItems = correlatedItems + (_unbinnedColumns.Length + ColumnsPerWorkItem - 1) / ColumnsPerWorkItem;
        unsafe
        {
            fixed (T* ptr = frames)
            {
                var source = new FrameSource<T>(ptr, pixels, n);
                Parallel.For(0, workItems, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism },
                    () => new Scratch(n, _history),
                    (item, _, scratch) =>
                    {
                        if (item < correlatedItems)
                        {
                            int end = Math.Min(_columnStart.Length, (item + 1) * ColumnsPerWorkItem);
                            for (int c = item * ColumnsPerWorkItem; c < end; c++) ProcessColumn(source, c, plan, scratch);
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
                    });
            }
        }
        plan.Commit(_levels);
        _framesSeen += n;
    }

    private unsafe readonly struct FrameSource<T>(T* data, int pixels, int frames) where T : unmanaged, INumberBase<T>
    {
        public int Frames => frames;
        public T At(int frame, int pixel) => data[(long)frame * pixels + pixel];
        public T* Row(int frame, int pixel) => data + (long)frame * pixels + pixel;
        public int Pixels => pixels;
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

    private sealed class Scratch(int frames, int history)
    {
        public readonly float[] Floats = new float[(history + frames) * Lanes];
        public readonly double[] Level0 = new double[(history + frames) * Lanes];
        public readonly double[] LevelA = new double[(history + frames / 2 + 1) * Lanes];
        public readonly double[] LevelB = new double[(history + frames / 2 + 1) * Lanes];
        public readonly double[] Intensity = new double[frames];
    }

    private unsafe void ProcessColumn<T>(FrameSource<T> source, int column, BatchPlan plan, Scratch scratch)
        where T : unmanaged, INumberBase<T>
    {
        int n = source.Frames;
        int p0 = _columnStart[column];
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        var level0 = _levels[0];
        var binned = Vector256.LoadUnsafe(ref _columnBinned[column * Lanes]);

        float max = GatherFloats(source, p0, lanes, scratch.Floats);
        bool floatExact = typeof(T) != typeof(float) && typeof(T) != typeof(double)
                          && max < FloatExactLimit && (double)max * max * n <= FloatExactLimit;
        ReadOnlySpan<double> values;
        if (floatExact)
        {
            var floats = scratch.Floats.AsSpan();
            level0.LoadHistory(column, floats);
            SumIntensity(floats, n, binned, scratch.Intensity);
            if (_delaysPerLevel == 4) MultiTauKernels.Lags1To8(floats, _history, n, level0.Acc(column));
            WidenToDouble(floats, scratch.Level0);
        }
        else
        {
            GatherDoubles(source, p0, lanes, scratch.Level0);
        }
        var doubles = scratch.Level0.AsSpan(0, (_history + n) * Lanes);
        if (!floatExact)
        {
            level0.LoadHistory(column, doubles);
            SumIntensity(doubles, n, binned, scratch.Intensity);
        }
        if (!floatExact || _delaysPerLevel != 4) AccumulateLags(doubles, n, level0.KMin, level0.Acc(column));
        level0.Absorb(column, doubles, n);
        values = doubles;

        var next = scratch.LevelA;
        var spare = scratch.LevelB;
        for (int l = 1; l < _levels.Length && plan.NewValues[l] > 0; l++)
        {
            var level = _levels[l];
            int made = _levels[l - 1].PairInto(column, values, plan.NewValues[l - 1], next.AsSpan(_history * Lanes));
            System.Diagnostics.Debug.Assert(made == plan.NewValues[l]);
            var buffer = next.AsSpan(0, (_history + made) * Lanes);
            level.LoadHistory(column, buffer);
            AccumulateLags(buffer, made, level.KMin, level.Acc(column));
            level.Absorb(column, buffer, made);
            values = buffer;
            (next, spare) = (spare, next);
        }
        // The lowest level that got no new values this batch may still need to keep an unpaired value.
        for (int l = 1; l < _levels.Length; l++)
        {
            if (plan.NewValues[l] > 0) continue;
            _levels[l - 1].KeepUnpaired(column, values, plan.NewValues[l - 1]);
            break;
        }
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

    private void AccumulateLags(ReadOnlySpan<double> buffer, int n, int kMin, Span<double> acc)
    {
        if (_delaysPerLevel == 4)
        {
            if (kMin == 1) MultiTauKernels.FourLags(buffer, _history, n, 1, acc, 0);
            MultiTauKernels.FourLags(buffer, _history, n, 5, acc, kMin == 1 ? 4 : 0);
        }
        else
        {
            MultiTauKernels.AnyLags(buffer, _history, n, kMin, 2 * _delaysPerLevel, acc);
        }
    }

    private unsafe float GatherFloats<T>(FrameSource<T> source, int p0, int lanes, float[] rows)
        where T : unmanaged, INumberBase<T>
    {
        ref float dst = ref rows[_history * Lanes];
        var max = Vector256<float>.Zero;
        if (typeof(T) == typeof(ushort) && lanes == Lanes && Avx2.IsSupported)
        {
            for (int t = 0; t < source.Frames; t++)
            {
                var raw = Sse2.LoadVector128((ushort*)source.Row(t, p0));
                var x = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(raw));
                x.StoreUnsafe(ref Unsafe.Add(ref dst, t * Lanes));
                max = Vector256.Max(max, x);
            }
            return HorizontalMax(max);
        }
        float m = 0;
        for (int t = 0; t < source.Frames; t++)
        {
            T* row = source.Row(t, p0);
            for (int lane = 0; lane < Lanes; lane++)
            {
                float v = lane < lanes ? float.CreateTruncating(row[lane]) : 0f;
                Unsafe.Add(ref dst, t * Lanes + lane) = v;
                m = Math.Max(m, v);
            }
        }
        return m;
    }

    private static unsafe void GatherDoubles<T>(FrameSource<T> source, int p0, int lanes, double[] rows)
        where T : unmanaged, INumberBase<T>
    {
        int history = rows.Length / Lanes - source.Frames;
        for (int t = 0; t < source.Frames; t++)
        {
            T* row = source.Row(t, p0);
            int o = (history + t) * Lanes;
            for (int lane = 0; lane < Lanes; lane++) rows[o + lane] = lane < lanes ? double.CreateTruncating(row[lane]) : 0.0;
        }
    }

    private static void WidenToDouble(ReadOnlySpan<float> floats, double[] doubles)
    {
        for (int i = 0; i < floats.Length && i < doubles.Length; i += Lanes)
        {
            var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(floats), (nuint)i));
            lo.StoreUnsafe(ref doubles[i]);
            hi.StoreUnsafe(ref doubles[i + 4]);
        }
    }

    private void SumIntensity(ReadOnlySpan<float> rows, int n, Vector256<float> binned, double[] intensity)
    {
        for (int t = 0; t < n; t++)
        {
            var x = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(rows), (nuint)((_history + t) * Lanes));
            intensity[t] += Vector256.Sum(x * binned);
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
        float m = 0;
        for (int i = 0; i < Vector256<float>.Count; i++) m = Math.Max(m, v[i]);
        return m;
    }

    /// <summary>The per-bin sums of this correlator's pixels; requires every declared frame.</summary>
    public CorrelationPartialSums ToPartialSums()
    {
        if (_framesSeen != _totalFrames)
            throw new InvalidOperationException($"the series declares {_totalFrames} frames but {_framesSeen} were added");
        var sums = new CorrelationPartialSums(_qmap, _totalFrames, Lags);
        Array.Copy(_binnedIntensitySum, sums.BinnedIntensitySum, _binnedIntensitySum.Length);
        foreach (int p0 in _unbinnedColumns)
            for (int p = p0; p < Math.Min(p0 + Lanes, _pixelEnd); p++) sums.PixelSum[p] = _pixelSum[p];
        for (int s = 0; s < _qmap.StaticBinCount; s++) sums.StaticPixels[s] = 0;
        for (int c = 0; c < _columnStart.Length; c++)
        {
            int p0 = _columnStart[c];
            int lanes = Math.Min(Lanes, _pixelEnd - p0);
            for (int lane = 0; lane < lanes; lane++)
            {
                int p = p0 + lane;
                sums.PixelSum[p] = _levels[0].Total(c, lane);
                int staticBin = _qmap.StaticBinOfPixel[p];
                if (staticBin < 0) continue;
                sums.StaticPixels[staticBin]++;
                int dynamicBin = _qmap.DynamicBinOfPixel[p];
                for (int i = 0; i < Lags.Count; i++)
                {
                    var lag = Lags[i];
                    var level = _levels[lag.Level];
                    long pairs = level.ValuesSoFar - lag.K;
                    double scale = Math.ScaleB(1.0, -lag.Level);
                    double total = level.Total(c, lane);
                    double g2 = level.AccAt(c, lag.K, lane) / pairs * scale * scale;
                    double ip = (total - level.SumOfLast(c, lag.K, lane)) / pairs * scale;
                    double @if = (total - level.SumOfFirst(c, lag.K, lane)) / pairs * scale;
                    int si = i * _qmap.StaticBinCount + staticBin;
                    sums.StaticG2Sum[si] += g2;
                    sums.StaticIpSum[si] += ip;
                    sums.StaticIfSum[si] += @if;
                    double denominator = ip * @if;
                    if (denominator > 0) sums.AddRatio(i * _qmap.DynamicBinCount + dynamicBin, g2 / denominator);
                }
            }
        }
        return sums;
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
        private readonly double[] _state;

        public Level(int kMin, int kMax, int history, int columns)
        {
            KMin = kMin;
            _history = history;
            _lagCount = kMax - kMin + 1;
            _stride = (history + _lagCount + history + 2) * Lanes;
            _state = new double[(long)_stride * columns];
        }

        public int KMin { get; }
        public long ValuesSoFar { get; set; }

        private int WindowOffset(int c) => c * _stride;
        private int AccOffset(int c) => WindowOffset(c) + _history * Lanes;
        private int HeadOffset(int c) => AccOffset(c) + _lagCount * Lanes;
        private int TotalOffset(int c) => HeadOffset(c) + _history * Lanes;
        private int PendingOffset(int c) => TotalOffset(c) + Lanes;

        public Span<double> Acc(int c) => _state.AsSpan(AccOffset(c), _lagCount * Lanes);
        public double AccAt(int c, int k, int lane) => _state[AccOffset(c) + (k - KMin) * Lanes + lane];
        public double Total(int c, int lane) => _state[TotalOffset(c) + lane];

        public double SumOfLast(int c, int k, int lane)
        {
            double s = 0;
            for (int j = _history - k; j < _history; j++) s += _state[WindowOffset(c) + j * Lanes + lane];
            return s;
        }

        public double SumOfFirst(int c, int k, int lane)
        {
            double s = 0;
            for (int j = 0; j < k; j++) s += _state[HeadOffset(c) + j * Lanes + lane];
            return s;
        }

        public void LoadHistory(int c, Span<double> buffer) =>
            _state.AsSpan(WindowOffset(c), _history * Lanes).CopyTo(buffer);

        public void LoadHistory(int c, Span<float> buffer)
        {
            var window = _state.AsSpan(WindowOffset(c), _history * Lanes);
            for (int i = 0; i < window.Length; i++) buffer[i] = (float)window[i];
        }

        /// <summary>Takes the n new rows after the history: totals, head, and the new window.</summary>
        public void Absorb(int c, ReadOnlySpan<double> buffer, int n)
        {
            var total = _state.AsSpan(TotalOffset(c), Lanes);
            for (int t = 0; t < n; t++)
            {
                var row = buffer.Slice((_history + t) * Lanes, Lanes);
                for (int lane = 0; lane < Lanes; lane++) total[lane] += row[lane];
            }
            for (long v = ValuesSoFar; v < _history && v < ValuesSoFar + n; v++)
                buffer.Slice((int)(_history + v - ValuesSoFar) * Lanes, Lanes).CopyTo(_state.AsSpan(HeadOffset(c) + (int)v * Lanes, Lanes));
            buffer.Slice(n * Lanes, _history * Lanes).CopyTo(_state.AsSpan(WindowOffset(c), _history * Lanes));
        }

        /// <summary>
        /// Pairs this level's new values (after the history rows of <paramref name="buffer"/>) into the next level's
        /// values, starting with the value left unpaired by the previous batch; returns how many were made.
        /// </summary>
        public int PairInto(int c, ReadOnlySpan<double> buffer, int n, Span<double> output)
        {
            var pending = _state.AsSpan(PendingOffset(c), Lanes);
            int made = 0, i = 0;
            if ((ValuesSoFar & 1) == 1 && n > 0)
            {
                var first = buffer.Slice(_history * Lanes, Lanes);
                for (int lane = 0; lane < Lanes; lane++) output[lane] = pending[lane] + first[lane];
                made = 1;
                i = 1;
            }
            for (; i + 1 < n; i += 2, made++)
            {
                var a = buffer.Slice((_history + i) * Lanes, Lanes);
                var b = buffer.Slice((_history + i + 1) * Lanes, Lanes);
                var o = output.Slice(made * Lanes, Lanes);
                for (int lane = 0; lane < Lanes; lane++) o[lane] = a[lane] + b[lane];
            }
            if (i < n) buffer.Slice((_history + i) * Lanes, Lanes).CopyTo(pending);
            return made;
        }

        /// <summary>Keeps the last new value as the unpaired one when no pair could be made this batch.</summary>
        public void KeepUnpaired(int c, ReadOnlySpan<double> buffer, int n)
        {
            if (n == 1 && (ValuesSoFar & 1) == 0)
                buffer.Slice(_history * Lanes, Lanes).CopyTo(_state.AsSpan(PendingOffset(c), Lanes));
        }
    }
}
