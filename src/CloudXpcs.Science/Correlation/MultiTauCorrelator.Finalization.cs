using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

public sealed partial class MultiTauCorrelator
{
    private const int FinalizationParts = 8;

    private CorrelationPartialSums BuildPartialSums()
    {
        if (_framesSeen != _totalFrames)
            throw new InvalidOperationException($"the series declares {_totalFrames} frames but {_framesSeen} were added");
        if (HoldsWholeSeriesAsEvents) return BuildPartialSumsFromEvents();
        var scales = new LagScales(Lags, _levels);
        var result = SumColumnParts(() => 0, (sums, first, end, _) =>
        {
            for (int c = first; c < end; c++)
            {
                if (c + 2 < _columnStart.Length)
                    foreach (var l in _levels) l.Prefetch(c + 2);
                AddColumnSums(sums, c, scales, new LevelStateRows(_levels, c));
            }
        });
        for (int c = 0; c < _columnStart.Length; c++)
        {
            int p0 = _columnStart[c];
            for (int lane = 0; lane < Math.Min(Lanes, _pixelEnd - p0); lane++) result.PixelSum[p0 + lane] = _levels[0].Total(c, lane);
        }
        return result;
    }

    /// <summary>
    /// Column ranges in parallel, each into its own sums, merged exactly as pixel shards are. The number of ranges does
    /// not depend on the thread count, so the result is bit-for-bit the same with any number of threads. Adds the
    /// per-frame intensity, the unbinned pixels' sums and the static bins' pixel counts; the caller fills the binned
    /// pixels' sums.
    /// </summary>
    private CorrelationPartialSums SumColumnParts<TScratch>(Func<TScratch> scratch, Action<LaneSums, int, int, TScratch> addColumns)
    {
        int parts = Math.Max(1, Math.Min(FinalizationParts, _columnStart.Length / 256));
        var partial = new CorrelationPartialSums[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism },
            () => (Sums: RentLaneSums(), Scratch: scratch()),
            (part, _, local) =>
            {
                local.Sums.Clear();
                int first = (int)((long)_columnStart.Length * part / parts), end = (int)((long)_columnStart.Length * (part + 1) / parts);
                addColumns(local.Sums, first, end, local.Scratch);
                partial[part] = local.Sums.ToPartialSums(_qmap, _totalFrames, Lags);
                return local;
            },
            local => ReturnLaneSums(local.Sums));
        var merged = partial.Aggregate(CorrelationPartialSums.Merge);
        var result = new CorrelationPartialSums(_qmap, _totalFrames, Lags);
        CorrelationPartialSums.CopyBinSums(merged, result);
        Array.Copy(_binnedIntensitySum, result.BinnedIntensitySum, _binnedIntensitySum.Length);
        foreach (int p0 in _unbinnedColumns)
            for (int p = p0; p < Math.Min(p0 + Lanes, _pixelEnd); p++) result.PixelSum[p] = _pixelSum[p];
        foreach (int p0 in _columnStart)
            for (int p = p0; p < Math.Min(p0 + Lanes, _pixelEnd); p++)
                if (_qmap.StaticBinOfPixel[p] >= 0) result.StaticPixels[_qmap.StaticBinOfPixel[p]]++;
        return result;
    }

    // A finalization part's sums are megabytes for a fine q-map: reused across parts and series instead of allocated
    // (and first touched) anew; each part clears only the bins the previous one touched.
    private static readonly System.Collections.Concurrent.ConcurrentBag<LaneSums> LaneSumsPool = [];

    private LaneSums RentLaneSums()
    {
        while (LaneSumsPool.TryTake(out var sums))
            if (sums.Fits(_qmap.StaticBinCount, _qmap.DynamicBinCount, Lags.Count)) return sums;
        return new LaneSums(_qmap.StaticBinCount, _qmap.DynamicBinCount, Lags.Count);
    }

    private static void ReturnLaneSums(LaneSums sums)
    {
        // At most the parts of one finalization (a few megabytes each for a fine q-map) stay retained.
        if (LaneSumsPool.Count < FinalizationParts) LaneSumsPool.Add(sums);
    }

    /// <summary>Per lag, the factors that turn level sums into G2_p (Σ/pairs·4^−l) and IP_p, IF_p (Σ/pairs·2^−l).</summary>
    private sealed class LagScales
    {
        public readonly MultiTauLag[] Lags;
        public readonly double[] G2;
        public readonly double[] Intensity;

        public LagScales(IReadOnlyList<MultiTauLag> lags, MultiTauLevelState[] levels)
        {
            Lags = lags.ToArray();
            G2 = new double[lags.Count];
            Intensity = new double[lags.Count];
            for (int i = 0; i < lags.Count; i++)
            {
                double pairs = levels[lags[i].Level].ValuesSoFar - lags[i].K;
                double scale = Math.ScaleB(1.0, -lags[i].Level);
                G2[i] = scale * scale / pairs;
                Intensity[i] = scale / pairs;
            }
        }
    }

    /// <summary>One column's level values as the finalization reads them: first and last values, total, lag sums.</summary>
    private interface IColumnLevelRows
    {
        LaneRow Head(int level, int j);
        LaneRow Tail(int level, int j);
        LaneRow Total(int level);
        LaneRow Acc(int level, int k);
    }

    private readonly struct LevelStateRows(MultiTauLevelState[] levels, int c) : IColumnLevelRows
    {
        public LaneRow Head(int level, int j) => levels[level].HeadRow(c, j);
        public LaneRow Tail(int level, int j) => levels[level].TailRow(c, j);
        public LaneRow Total(int level) => levels[level].TotalRow(c);
        public LaneRow Acc(int level, int k) => levels[level].AccRow(c, k);
    }

    /// <summary>G2_p, IP_p and IF_p of every lag for the 8 pixels of one column, added to their bins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddColumnSums<TRows>(LaneSums sums, int c, LagScales scales, TRows rows) where TRows : struct, IColumnLevelRows
    {
        LaneRow head = default, tail = default, total = default;
        int k = 0, lastLevel = -1;
        var lags = scales.Lags;
        int groupsStart = _columnBinGroupStart[c], groupsEnd = _columnBinGroupStart[c + 1];
        for (int group = groupsStart; group < groupsEnd; group++) sums.Touch(_binGroupStaticBin[group], _binGroupDynamicBin[group]);
        for (int i = 0; i < lags.Length; i++)
        {
            var lag = lags[i];
            if (lag.Level != lastLevel)
            {
                head = default;
                tail = default;
                total = rows.Total(lag.Level);
                k = 0;
                lastLevel = lag.Level;
            }
            // Sums of the first k values (head) and of the last k values (tail), built up lag by lag.
            for (; k < lag.K; k++)
            {
                head += rows.Head(lag.Level, k);
                tail += rows.Tail(lag.Level, k);
            }
            var g2Scale = Vector256.Create(scales.G2[i]);
            var intensityScale = Vector256.Create(scales.Intensity[i]);
            var acc = rows.Acc(lag.Level, lag.K);
            var g2 = new LaneRow(acc.Lo * g2Scale, acc.Hi * g2Scale);
            var ip = new LaneRow((total.Lo - tail.Lo) * intensityScale, (total.Hi - tail.Hi) * intensityScale);
            var @if = new LaneRow((total.Lo - head.Lo) * intensityScale, (total.Hi - head.Hi) * intensityScale);
            var denominator = new LaneRow(ip.Lo * @if.Lo, ip.Hi * @if.Hi);
            // A pixel without counts before or after the lag has no ratio (the division's NaN/∞ is masked out).
            var hasRatio = new LaneRow(Vector256.GreaterThan(denominator.Lo, Vector256<double>.Zero),
                Vector256.GreaterThan(denominator.Hi, Vector256<double>.Zero));
            var ratio = new LaneRow(g2.Lo / denominator.Lo, g2.Hi / denominator.Hi);
            for (int group = groupsStart; group < groupsEnd; group++)
            {
                var pixels = _binGroupLanes[group];
                sums.AddStatic(_binGroupStaticBin[group], i, g2 & pixels, ip & pixels, @if & pixels);
                sums.AddRatios(_binGroupDynamicBin[group], i, ratio, hasRatio & pixels);
            }
        }
    }

    /// <summary>
    /// One finalization part's sums, lane by lane (8 lanes per bin and lag, summed over lanes at the end): a column adds
    /// whole vectors, masked to the lanes of each bin, without horizontal sums. The ratios' moments are kept as sums of
    /// deviations from a shift, the first mean seen for that bin and lag: as accurate as Welford's update while the
    /// shift is near the mean, without its division per pixel.
    /// </summary>
    private sealed class LaneSums(int staticBins, int dynamicBins, int lags)
    {
        // Per static bin and lag: the lanes of Σ G2_p, Σ IP_p, Σ IF_p, one after the other.
        private readonly double[] _static = new double[(long)staticBins * lags * 3 * Lanes];
        // Per dynamic bin and lag: the lanes of the ratio count, Σ deviation, Σ deviation².
        private readonly double[] _ratios = new double[(long)dynamicBins * lags * 3 * Lanes];
        private readonly double[] _shift = new double[dynamicBins * lags];
        private readonly bool[] _shifted = new bool[dynamicBins * lags];
        // The bins a column added to since the last Clear: only theirs are cleared and read (the others stay zero).
        private readonly bool[] _staticTouched = new bool[staticBins], _dynamicTouched = new bool[dynamicBins];
        private readonly List<int> _touchedStatic = [], _touchedDynamic = [];

        public bool Fits(int staticCount, int dynamicCount, int lagCount) => staticCount == staticBins && dynamicCount == dynamicBins && lagCount == lags;

        public void Touch(int staticBin, int dynamicBin)
        {
            if (!_staticTouched[staticBin])
            {
                _staticTouched[staticBin] = true;
                _touchedStatic.Add(staticBin);
            }
            if (!_dynamicTouched[dynamicBin])
            {
                _dynamicTouched[dynamicBin] = true;
                _touchedDynamic.Add(dynamicBin);
            }
        }

        public void Clear()
        {
            int row = lags * 3 * Lanes;
            foreach (int bin in _touchedStatic)
            {
                Array.Clear(_static, bin * row, row);
                _staticTouched[bin] = false;
            }
            foreach (int bin in _touchedDynamic)
            {
                Array.Clear(_ratios, bin * row, row);
                Array.Clear(_shifted, bin * lags, lags);
                _dynamicTouched[bin] = false;
            }
            _touchedStatic.Clear();
            _touchedDynamic.Clear();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddStatic(int bin, int lag, LaneRow g2, LaneRow ip, LaneRow @if)
        {
            ref double row = ref _static[(bin * lags + lag) * 3 * Lanes];
            Add(ref row, g2);
            Add(ref Unsafe.Add(ref row, Lanes), ip);
            Add(ref Unsafe.Add(ref row, 2 * Lanes), @if);
        }

        /// <summary>Adds the ratios of the lanes set in <paramref name="lanes"/> (all bits set or clear per lane).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddRatios(int bin, int lag, LaneRow ratio, LaneRow lanes)
        {
            int index = bin * lags + lag;
            if (!_shifted[index])
            {
                int count = BitOperations.PopCount(lanes.Lo.ExtractMostSignificantBits()) + BitOperations.PopCount(lanes.Hi.ExtractMostSignificantBits());
                if (count == 0) return;
                _shift[index] = Vector256.Sum((ratio & lanes).Lo + (ratio & lanes).Hi) / count;
                _shifted[index] = true;
            }
            var shift = Vector256.Create(_shift[index]);
            var deviation = new LaneRow(ratio.Lo - shift, ratio.Hi - shift) & lanes;
            ref double row = ref _ratios[index * 3 * Lanes];
            Add(ref row, lanes & new LaneRow(Vector256<double>.One, Vector256<double>.One));
            Add(ref Unsafe.Add(ref row, Lanes), deviation);
            Add(ref Unsafe.Add(ref row, 2 * Lanes), new LaneRow(deviation.Lo * deviation.Lo, deviation.Hi * deviation.Hi));
        }

        private static void Add(ref double row, LaneRow value)
        {
            (Vector256.LoadUnsafe(ref row) + value.Lo).StoreUnsafe(ref row);
            (Vector256.LoadUnsafe(ref row, 4) + value.Hi).StoreUnsafe(ref row, 4);
        }

        private double LaneSum(double[] values, int offset) => Vector256.Sum(
            Vector256.LoadUnsafe(ref values[offset]) + Vector256.LoadUnsafe(ref values[offset + 4]));

        public CorrelationPartialSums ToPartialSums(Geometry.QMap qmap, long frames, IReadOnlyList<MultiTauLag> lagList)
        {
            var sums = new CorrelationPartialSums(qmap, frames, lagList, withPixelArrays: false);
            for (int lag = 0; lag < lags; lag++)
            {
                foreach (int bin in _touchedStatic)
                {
                    int from = (bin * lags + lag) * 3 * Lanes, to = lag * staticBins + bin;
                    sums.StaticG2Sum[to] = LaneSum(_static, from);
                    sums.StaticIpSum[to] = LaneSum(_static, from + Lanes);
                    sums.StaticIfSum[to] = LaneSum(_static, from + 2 * Lanes);
                }
                foreach (int bin in _touchedDynamic)
                {
                    int index = bin * lags + lag, from = index * 3 * Lanes, to = lag * dynamicBins + bin;
                    long n = (long)LaneSum(_ratios, from);
                    if (n == 0) continue;
                    double deviationSum = LaneSum(_ratios, from + Lanes), meanDeviation = deviationSum / n;
                    sums.RatioCount[to] = n;
                    sums.RatioMean[to] = _shift[index] + meanDeviation;
                    sums.RatioM2[to] = Math.Max(0, LaneSum(_ratios, from + 2 * Lanes) - deviationSum * meanDeviation);
                }
            }
            return sums;
        }
    }
}
