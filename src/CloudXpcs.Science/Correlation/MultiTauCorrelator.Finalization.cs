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
        var scales = new LagScales(Lags, _levels);
        // Column ranges in parallel, each into its own sums, merged exactly as pixel shards are. The number of ranges does
        // not depend on the thread count, so the result is bit-for-bit the same with any number of threads.
        int parts = Math.Max(1, Math.Min(FinalizationParts, _columnStart.Length / 256));
        var partial = new CorrelationPartialSums[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = _maxParallelism }, part =>
        {
            var sums = new BinMajorSums(_qmap.StaticBinCount, _qmap.DynamicBinCount, Lags.Count);
            int first = (int)((long)_columnStart.Length * part / parts), end = (int)((long)_columnStart.Length * (part + 1) / parts);
            for (int c = first; c < end; c++) AddColumnSums(sums, c, scales);
            partial[part] = sums.ToPartialSums(_qmap, _totalFrames, Lags);
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

    /// <summary>G2_p, IP_p and IF_p of every lag for the 8 pixels of one column, added to their bins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddColumnSums(BinMajorSums sums, int c, LagScales scales)
    {
        int p0 = _columnStart[c];
        int sharedStaticBin = _columnStaticBin[c];
        int sharedDynamicBin = sharedStaticBin >= 0 ? _qmap.DynamicBinOfPixel[p0] : -1;
        LaneRow head = default, tail = default, total = default;
        int k = 0, lastLevel = -1;
        var level = _levels[0];
        if (c + 2 < _columnStart.Length)
            foreach (var l in _levels) l.Prefetch(c + 2);
        var lags = scales.Lags;
        for (int i = 0; i < lags.Length; i++)
        {
            var lag = lags[i];
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
            var g2Scale = Vector256.Create(scales.G2[i]);
            var intensityScale = Vector256.Create(scales.Intensity[i]);
            var acc = level.AccRow(c, lag.K);
            var g2 = new LaneRow(acc.Lo * g2Scale, acc.Hi * g2Scale);
            var ip = new LaneRow((total.Lo - tail.Lo) * intensityScale, (total.Hi - tail.Hi) * intensityScale);
            var @if = new LaneRow((total.Lo - head.Lo) * intensityScale, (total.Hi - head.Hi) * intensityScale);
            if (sharedStaticBin >= 0)
                AddSharedBinColumn(sums, g2, ip, @if, sums.Index(sharedStaticBin, i), sums.Index(sharedDynamicBin, i));
            else
                AddColumnPixelByPixel(sums, p0, g2, ip, @if, i);
        }
    }

    private static readonly double[] InverseCount = [.. Enumerable.Range(0, Lanes + 1).Select(n => n == 0 ? 0 : 1.0 / n)];

    /// <summary>A column whose 8 pixels share one bin: one addition per sum, and the ratios' moments merged as a group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSharedBinColumn(BinMajorSums sums, LaneRow g2, LaneRow ip, LaneRow @if, int staticIndex, int dynamicIndex)
    {
        sums.AddStatic(staticIndex, Vector256.Sum(g2.Lo + g2.Hi), Vector256.Sum(ip.Lo + ip.Hi), Vector256.Sum(@if.Lo + @if.Hi));
        var denominatorLo = ip.Lo * @if.Lo;
        var denominatorHi = ip.Hi * @if.Hi;
        // A pixel without counts before or after the lag has no ratio (the division's NaN/∞ is masked out).
        var validLo = Vector256.GreaterThan(denominatorLo, Vector256<double>.Zero);
        var validHi = Vector256.GreaterThan(denominatorHi, Vector256<double>.Zero);
        int count = BitOperations.PopCount(validLo.ExtractMostSignificantBits()) + BitOperations.PopCount(validHi.ExtractMostSignificantBits());
        if (count == 0) return;
        var ratioLo = Vector256.ConditionalSelect(validLo, g2.Lo / denominatorLo, Vector256<double>.Zero);
        var ratioHi = Vector256.ConditionalSelect(validHi, g2.Hi / denominatorHi, Vector256<double>.Zero);
        double shift = sums.Shift(dynamicIndex, Vector256.Sum(ratioLo + ratioHi) * InverseCount[count]);
        var deviationLo = Vector256.ConditionalSelect(validLo, ratioLo - Vector256.Create(shift), Vector256<double>.Zero);
        var deviationHi = Vector256.ConditionalSelect(validHi, ratioHi - Vector256.Create(shift), Vector256<double>.Zero);
        sums.AddRatioDeviations(dynamicIndex, count, Vector256.Sum(deviationLo + deviationHi),
            Vector256.Sum(deviationLo * deviationLo + deviationHi * deviationHi));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddColumnPixelByPixel(BinMajorSums sums, int p0, LaneRow g2Row, LaneRow ipRow, LaneRow ifRow, int lag)
    {
        Span<double> g2 = stackalloc double[Lanes], ip = stackalloc double[Lanes], @if = stackalloc double[Lanes];
        g2Row.Lo.CopyTo(g2);
        g2Row.Hi.CopyTo(g2[4..]);
        ipRow.Lo.CopyTo(ip);
        ipRow.Hi.CopyTo(ip[4..]);
        ifRow.Lo.CopyTo(@if);
        ifRow.Hi.CopyTo(@if[4..]);
        int lanes = Math.Min(Lanes, _pixelEnd - p0);
        for (int lane = 0; lane < lanes; lane++)
        {
            int staticBin = _qmap.StaticBinOfPixel[p0 + lane];
            if (staticBin < 0) continue;
            sums.AddStatic(sums.Index(staticBin, lag), g2[lane], ip[lane], @if[lane]);
            double denominator = ip[lane] * @if[lane];
            if (denominator <= 0) continue;
            int index = sums.Index(_qmap.DynamicBinOfPixel[p0 + lane], lag);
            double ratio = g2[lane] / denominator;
            double deviation = ratio - sums.Shift(index, ratio);
            sums.AddRatioDeviations(index, 1, deviation, deviation * deviation);
        }
    }

    /// <summary>
    /// One finalization part's sums, bin-major (all lags of a bin together) so that the lags of a column fall on a few
    /// cache lines; <see cref="ToPartialSums"/> turns them into the lag-major layout of <see cref="CorrelationPartialSums"/>.
    /// The ratios' moments are kept as sums of deviations from a shift, the first mean seen for that bin and lag: as
    /// accurate as Welford's update while the shift is near the mean, without its division per pixel.
    /// </summary>
    private sealed class BinMajorSums(int staticBins, int dynamicBins, int lags)
    {
        private readonly double[] _g2 = new double[staticBins * lags], _ip = new double[staticBins * lags], _if = new double[staticBins * lags];
        private readonly long[] _ratioCount = new long[dynamicBins * lags];
        private readonly double[] _ratioShift = new double[dynamicBins * lags];
        private readonly double[] _deviationSum = new double[dynamicBins * lags], _deviationSquares = new double[dynamicBins * lags];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Index(int bin, int lag) => bin * lags + lag;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddStatic(int index, double g2, double ip, double @if)
        {
            _g2[index] += g2;
            _ip[index] += ip;
            _if[index] += @if;
        }

        /// <summary>The shift of a bin and lag, set to <paramref name="firstMean"/> when it has no ratios yet.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Shift(int index, double firstMean)
        {
            if (_ratioCount[index] == 0) _ratioShift[index] = firstMean;
            return _ratioShift[index];
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddRatioDeviations(int index, int count, double deviationSum, double deviationSquares)
        {
            _ratioCount[index] += count;
            _deviationSum[index] += deviationSum;
            _deviationSquares[index] += deviationSquares;
        }

        public CorrelationPartialSums ToPartialSums(Geometry.QMap qmap, long frames, IReadOnlyList<MultiTauLag> lagList)
        {
            var sums = new CorrelationPartialSums(qmap, frames, lagList, withPixelArrays: false);
            for (int lag = 0; lag < lags; lag++)
            {
                for (int bin = 0; bin < staticBins; bin++)
                {
                    int from = Index(bin, lag), to = lag * staticBins + bin;
                    sums.StaticG2Sum[to] = _g2[from];
                    sums.StaticIpSum[to] = _ip[from];
                    sums.StaticIfSum[to] = _if[from];
                }
                for (int bin = 0; bin < dynamicBins; bin++)
                {
                    int from = Index(bin, lag), to = lag * dynamicBins + bin;
                    long n = _ratioCount[from];
                    if (n == 0) continue;
                    double meanDeviation = _deviationSum[from] / n;
                    sums.RatioCount[to] = n;
                    sums.RatioMean[to] = _ratioShift[from] + meanDeviation;
                    sums.RatioM2[to] = Math.Max(0, _deviationSquares[from] - _deviationSum[from] * meanDeviation);
                }
            }
            return sums;
        }
    }
}
