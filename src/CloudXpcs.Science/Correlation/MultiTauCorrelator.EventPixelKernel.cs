using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The whole-series event path's pixel kernel, for columns with few events (busier ones take the column-row kernel,
/// see <see cref="TryCorrelateColumnEvents"/>): one pixel's time-sorted events through levels 0 to
/// <see cref="PixelLevels"/> − 1, work in proportion to its events. Lag k of level l pairs bins ⌊t/2^l⌋ k apart, so
/// levels 0 to 2 (lags up to 8 bins of at most 4 frames) come from pairs of events less than 36 frames apart, each pair
/// added to its lags with vector compares (no branch on the lag); a pixel with more than one event per 36 frames takes
/// levels 1 and 2 from its bins as below. Binning is linear, so a level 3 or 4 lag sum needs no pairs:
/// Σ_s B_l(s)·B_l(s − k) = Σ_t x(t)·B_l(⌊t/2^l⌋ − k) over the pixel's events x(t), read from the pixel's completed bins
/// (dense float arrays; the 4 lags of a level are one vector product per event). The pixel's level-5 bins go into a
/// column's rows of 8 lanes, from which the dense float kernel takes the levels above, where nearly every bin of a
/// column holds a photon. Float is exact here: every value, partial sum and product sum of a pixel is an integer at
/// most T² ≤ 2^24 for a pixel total T ≤ 4096 (checked per column; otherwise the per-pixel double path takes
/// the column). The sums are the dense path's exact integers, so g2 is bit-identical.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    // Levels 0 to PixelLevels − 1 per pixel; from PixelLevels up the column's rows (delays_per_level 4: lags 5 to 8).
    private const int PixelLevels = RowLinearLevels;
    // Levels 0 to PairLevels − 1 from pairs of events: lag 8 of level 2 is at most 9·4 − 1 frames.
    private const int PairLevels = 3;
    private const int PairWindowFrames = 9 << (PairLevels - 1);
    // The kernels' buffers take about 8 (pixel kernel) and 64 (column rows) bytes per frame and thread.
    private const int MaxEventKernelFrames = 1 << 20;
    private const int FloatExactPixelTotal = 4096;

    /// <summary>Whether the pixel and column-row kernels apply to this correlator (4 delays per level, frames within the buffers).</summary>
    private bool EventKernelsApply => _delaysPerLevel == 4 && _totalFrames <= MaxEventKernelFrames;

    /// <summary>
    /// One thread's buffers: one pixel's bins of levels 1 to 4 (each after `history` zeros, M_l bins plus the partial
    /// last one), zero between pixels; a column's level-<see cref="PixelLevels"/> bins as float rows of 8 lanes after
    /// `history` zero rows, zero between columns; the thread's upper-level rows.
    /// </summary>
    private sealed class PixelKernelBuffers
    {
        // Per level l from 1 below PixelLevels: the pixel's bins (level 1 and 2 only for pixels with many events).
        public readonly float[][] Bins = new float[PixelLevels][];
        // M_l, the number of values of level l, for l below PixelLevels.
        public readonly int[] Values = new int[PixelLevels];
        public readonly float[] ColumnBins;
        public readonly UpperLevelRows Upper;

        public PixelKernelBuffers(long frames, int history)
        {
            for (int l = 0; l < PixelLevels; l++) Values[l] = (int)MultiTauLadder.BinnedFrames(frames, l);
            for (int l = 1; l < PixelLevels; l++) Bins[l] = new float[history + Values[l] + 1];
            ColumnBins = new float[(history + (int)MultiTauLadder.BinnedFrames(frames, PixelLevels) + 1) * Lanes];
            Upper = new UpperLevelRows(frames, history);
        }
    }

    /// <summary>
    /// The column whose pixels' time-sorted events are scratch.Frames/Counts [KeyStart[key0 + lane], KeyStart[key0 +
    /// lane + 1]) into <paramref name="rows"/> (every value the finalization reads is written); false, with nothing
    /// changed, when a pixel's total is too large for exact float sums. A column with more events than 8 pixels with one
    /// partner each in the pair window takes the column-row kernel (8 pixels per vector, in proportion to the frames in
    /// which the column counts); sparser ones take the pixel kernel (in proportion to their events). Measured on the
    /// 512 × 512 × 4096 bench: at mean 0.01 counts per pixel and frame the event path took 0.33-0.40 CPU s with the pixel
    /// kernel and 0.41-0.51 with column rows; at mean 0.1, 1.9-2.3 s with the pixel kernel and 1.4-2.1 with column rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryCorrelateColumnEvents(PixelEventScratch scratch, int key0, ColumnEventRows rows)
    {
        var counts = scratch.Counts;
        var keyStart = scratch.KeyStart;
        for (int lane = 0; lane < Lanes; lane++)
        {
            // Events times the chunk's count bound is mostly enough to show that the total is within the limit.
            if ((long)(keyStart[key0 + lane + 1] - keyStart[key0 + lane]) * scratch.CountBound <= FloatExactPixelTotal) continue;
            long total = 0;
            for (int e = keyStart[key0 + lane]; e < keyStart[key0 + lane + 1]; e++) total += counts[e];
            if (total > FloatExactPixelTotal) return false;
        }
        long events = keyStart[key0 + Lanes] - keyStart[key0];
        if (events * PairWindowFrames > Lanes * _totalFrames)
        {
            CorrelateColumnRows(scratch, key0, rows);
            return true;
        }
        // The pixel levels' first and last values are added event by event: they start from zero.
        int pixelLevels = Math.Min(_levels.Length, PixelLevels);
        rows.HeadValues.AsSpan(0, pixelLevels * _history * Lanes).Clear();
        rows.TailValues.AsSpan(0, pixelLevels * _history * Lanes).Clear();
        var buffers = scratch.PixelKernel!;
        for (int lane = 0; lane < Lanes; lane++)
            CorrelatePixelEvents(scratch, keyStart[key0 + lane], keyStart[key0 + lane + 1], lane, buffers, rows);
        if (_levels.Length > PixelLevels)
        {
            UpperLevels(buffers.ColumnBins, buffers.Upper, rows);
            buffers.ColumnBins.AsSpan().Clear();
        }
        return true;
    }

    /// <summary>
    /// One pixel (events scratch.Frames/Counts [from, to), time-sorted): totals, first and last `history` values and lag
    /// sums of levels below <see cref="PixelLevels"/> into lane <paramref name="lane"/> of <paramref name="rows"/> (its
    /// first and last values added to zeros), its level-<see cref="PixelLevels"/> bins into the column's rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CorrelatePixelEvents(PixelEventScratch scratch, int from, int to, int lane, PixelKernelBuffers buffers, ColumnEventRows rows)
    {
        const int H = 8;
        int pixelLevels = Math.Min(_levels.Length, PixelLevels);
        ref int frames = ref MemoryMarshal.GetArrayDataReference(scratch.Frames);
        ref int counts = ref MemoryMarshal.GetArrayDataReference(scratch.Counts);
        double[] acc = rows.AccValues, totals = rows.TotalValues;
        var values = buffers.Values;

        // A pixel with more than one event per pair window on average (in a column that takes the pixel kernel) takes
        // levels 1 and 2 from its bins as well: its pairs would outnumber its events.
        bool busy = (long)(to - from) * PairWindowFrames > _totalFrames;
        int firstBinLevel = busy ? 1 : PairLevels;
        var (level0, levels12) = PairLagSums(ref frames, ref counts, from, to, busy ? H + 1 : PairWindowFrames, values[1], values[2]);
        for (int k = 1; k <= H; k++) acc[(k - 1) * Lanes + lane] = level0.GetElement(k - 1);
        for (int l = 1; l < Math.Min(pixelLevels, firstBinLevel); l++)
            for (int k = 5; k <= H; k++) acc[(l * H + k - 5) * Lanes + lane] = levels12.GetElement(2 * (k - 5) + l - 1);

        long total = FillPixelBins(ref frames, ref counts, from, to, lane, firstBinLevel, buffers);
        for (int l = firstBinLevel; l < PixelLevels; l += 2)
        {
            var (sumsA, sumsB) = BinLagSums(ref frames, ref counts, from, to, l, buffers);
            // Lanes 0..3 of a vector are lags 8..5; row k − 5 of the level's lag sums.
            if (l < pixelLevels)
                for (int k = 5; k <= H; k++) acc[(l * H + k - 5) * Lanes + lane] = sumsA.GetElement(H - k);
            if (l + 1 < pixelLevels)
                for (int k = 5; k <= H; k++) acc[((l + 1) * H + k - 5) * Lanes + lane] = sumsB.GetElement(H - k);
        }
        // The pixel's bins go back to zero for the next pixel.
        for (int l = firstBinLevel; l < PixelLevels; l++)
        {
            ref float bins = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[l]), H);
            for (int i = from; i < to; i++) Unsafe.Add(ref bins, Unsafe.Add(ref frames, i) >> l) = 0;
        }

        // Totals: a level's partial last bin (frames beyond M_l·2^l) is not in it.
        for (int l = 0; l < pixelLevels; l++)
        {
            int end = values[l] << l;
            double levelTotal = total;
            for (int i = to - 1; i >= from && Unsafe.Add(ref frames, i) >= end; i--) levelTotal -= Unsafe.Add(ref counts, i);
            totals[l * Lanes + lane] = levelTotal;
        }
        AddPixelEdges(ref frames, ref counts, from, to, lane, pixelLevels, values, rows);
    }

    /// <summary>
    /// Level 0's lags 1 to 8 (lanes 0 to 7) and the lags 5 to 8 of levels 1 and 2 (lanes 2m and 2m + 1: lag 5 + m) of one
    /// pixel's events, from its pairs less than <paramref name="window"/> frames apart (<see cref="PairWindowFrames"/>
    /// for all three levels, 9 for level 0 alone). The events whose next event is in the window are found 8 at a time;
    /// each is paired with its next event and further ones while in the window (a pair outside every lag matches no
    /// lane, so the pairs need no branch on the lag).
    /// </summary>
    // Not inlined: on its own its loop keeps its values in registers.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static (Vector256<int> Level0, Vector256<int> Levels12) PairLagSums(ref int frames, ref int counts, int from, int to,
        int window, int values1, int values2)
    {
        var lags0 = PairLags0;
        var lags12 = PairLags12;
        Vector256<int> level0 = default, levels12 = default;
        // Events from the end of level 2's last full bin on (the last 3 frames at most) may be in a partial last bin of
        // level 1 or 2, which pairs with nothing there: pairs ending in one are taken below, checked.
        nint full = to;
        while (full > from && Unsafe.Add(ref frames, full - 1) >= values2 << 2) full--;
        // Most events have no partner in the window (they would match no lane): 8 events at a time, only those whose
        // next event is in the window are paired.
        var windowFrames = Vector256.Create(window);
        nint i = from;
        for (; i + Vector256<int>.Count < full; i += Vector256<int>.Count)
        {
            var gaps = Vector256.LoadUnsafe(ref Unsafe.Add(ref frames, i + 1)) - Vector256.LoadUnsafe(ref Unsafe.Add(ref frames, i));
            for (uint paired = Vector256.LessThan(gaps, windowFrames).ExtractMostSignificantBits(); paired != 0; paired &= paired - 1)
                PairWithFollowing(ref frames, ref counts, i + BitOperations.TrailingZeroCount(paired), full, window, ref level0, ref levels12);
        }
        for (; i < full - 1; i++) PairWithFollowing(ref frames, ref counts, i, full, window, ref level0, ref levels12);
        for (int j = (int)Math.Max(full, from + 1); j < to; j++)
        {
            int u = Unsafe.Add(ref frames, j);
            for (int k = j - 1; k >= from && u - Unsafe.Add(ref frames, k) < window; k--)
            {
                int t = Unsafe.Add(ref frames, k);
                var product = Vector256.Create(Unsafe.Add(ref counts, k) * Unsafe.Add(ref counts, j));
                level0 += Vector256.Equals(Vector256.Create(u - t), lags0) & product;
                // Lag 0 matches no lane.
                int k1 = u >> 1 < values1 ? (u >> 1) - (t >> 1) : 0;
                int k2 = u >> 2 < values2 ? (u >> 2) - (t >> 2) : 0;
                levels12 += Vector256.Equals(BinDistances(k1, k2), lags12) & product;
            }
        }
        return (level0, levels12);
    }

    /// <summary>Event i with its next events before <paramref name="full"/>: the next one always, further ones while in the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairWithFollowing(ref int frames, ref int counts, nint i, nint full, int window,
        ref Vector256<int> level0, ref Vector256<int> levels12)
    {
        var lags0 = PairLags0;
        var lags12 = PairLags12;
        int t = Unsafe.Add(ref frames, i), c = Unsafe.Add(ref counts, i);
        for (nint j = i + 1; ; )
        {
            int u = Unsafe.Add(ref frames, j);
            var product = Vector256.Create(c * Unsafe.Add(ref counts, j));
            level0 += Vector256.Equals(Vector256.Create(u - t), lags0) & product;
            levels12 += Vector256.Equals(BinDistances((u >> 1) - (t >> 1), (u >> 2) - (t >> 2)), lags12) & product;
            if (++j >= full || Unsafe.Add(ref frames, j) - t >= window) break;
        }
    }

    // The lags of a pair loop's two vectors: level 0's 1 to 8, and 5 to 8 for levels 1 and 2 in turn (lanes 2m, 2m + 1).
    private static Vector256<int> PairLags0 => Vector256.Create(1, 2, 3, 4, 5, 6, 7, 8);
    private static Vector256<int> PairLags12 => Vector256.Create(5, 5, 6, 6, 7, 7, 8, 8);

    /// <summary>Lanes k1, k2, k1, k2, ...: one 64-bit broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> BinDistances(int k1, int k2) => Vector256.Create((uint)k1 | (long)k2 << 32).AsInt32();

    /// <summary>
    /// Adds one pixel's events to its bins of levels <paramref name="firstBinLevel"/> to 4 and to its lane of the column's
    /// level-5 rows; returns its total.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long FillPixelBins(ref int frames, ref int counts, int from, int to, int lane, int firstBinLevel, PixelKernelBuffers buffers)
    {
        const int H = 8;
        ref float bins3 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[3]), H);
        ref float bins4 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[4]), H);
        ref float column = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.ColumnBins), H * Lanes + lane);
        bool upper = _levels.Length > PixelLevels;
        long total = 0;
        for (int i = from; i < to; i++)
        {
            int t = Unsafe.Add(ref frames, i), c = Unsafe.Add(ref counts, i);
            total += c;
            float x = c;
            Unsafe.Add(ref bins3, t >> 3) += x;
            Unsafe.Add(ref bins4, t >> 4) += x;
            if (upper) Unsafe.Add(ref column, (t >> PixelLevels) * Lanes) += x;
        }
        for (int l = firstBinLevel; l < 3; l++)
        {
            ref float bins = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[l]), H);
            for (int i = from; i < to; i++) Unsafe.Add(ref bins, Unsafe.Add(ref frames, i) >> l) += Unsafe.Add(ref counts, i);
        }
        return total;
    }

    /// <summary>
    /// Σ_t x(t)·B_l(⌊t/2^l⌋ − k) for k = 8, 7, 6, 5 (a vector's lanes 0 to 3) over one pixel's events, at levels
    /// <paramref name="l"/> and l + 1 from their completed bins (bin s at index s, `history` zeros before bin 0). Two
    /// events at a time into separate sums, so the fused multiply-adds do not wait on each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> LevelA, Vector128<float> LevelB) BinLagSums(ref int frames, ref int counts, int from, int to, int l,
        PixelKernelBuffers buffers)
    {
        const int H = 8;
        int m = l + 1, valuesA = buffers.Values[l], valuesB = buffers.Values[m];
        ref float binsA = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[l]), H);
        ref float binsB = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffers.Bins[m]), H);
        Vector128<float> a = default, b = default, c = default, d = default;
        int i = from;
        // An event in a level's partial last bin makes no lag products at that level (level l + 1's bins end first).
        for (; i + 1 < to && Unsafe.Add(ref frames, i + 1) >> m < valuesB; i += 2)
        {
            int t = Unsafe.Add(ref frames, i), u = Unsafe.Add(ref frames, i + 1);
            var x = Vector128.Create((float)Unsafe.Add(ref counts, i));
            var y = Vector128.Create((float)Unsafe.Add(ref counts, i + 1));
            a = Vector128.FusedMultiplyAdd(x, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsA, (t >> l) - H)), a);
            b = Vector128.FusedMultiplyAdd(y, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsA, (u >> l) - H)), b);
            c = Vector128.FusedMultiplyAdd(x, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsB, (t >> m) - H)), c);
            d = Vector128.FusedMultiplyAdd(y, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsB, (u >> m) - H)), d);
        }
        for (; i < to; i++)
        {
            int t = Unsafe.Add(ref frames, i);
            var x = Vector128.Create((float)Unsafe.Add(ref counts, i));
            if (t >> l < valuesA) a = Vector128.FusedMultiplyAdd(x, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsA, (t >> l) - H)), a);
            if (t >> m < valuesB) c = Vector128.FusedMultiplyAdd(x, Vector128.LoadUnsafe(ref Unsafe.Add(ref binsB, (t >> m) - H)), c);
        }
        return (a + b, c + d);
    }

    /// <summary>
    /// Adds one pixel's events in the first and last `history` values of each pixel level (B_l(j) and B_l(M_l − 1 − j),
    /// j &lt; 8) to lane <paramref name="lane"/> of the rows: the events of the first and last 8·2^4 frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPixelEdges(ref int frames, ref int counts, int from, int to, int lane, int pixelLevels, int[] values, ColumnEventRows rows)
    {
        const int H = 8;
        double[] head = rows.HeadValues, tail = rows.TailValues;
        for (int i = from; i < to; i++)
        {
            int t = Unsafe.Add(ref frames, i);
            if (t >> (pixelLevels - 1) >= H) break;
            double c = Unsafe.Add(ref counts, i);
            for (int l = 0; l < pixelLevels; l++)
            {
                int s = t >> l;
                if (s < H && s < values[l]) head[(l * H + s) * Lanes + lane] += c;
            }
        }
        for (int i = to - 1; i >= from; i--)
        {
            int t = Unsafe.Add(ref frames, i);
            bool any = false;
            for (int l = 0; l < pixelLevels; l++)
            {
                int back = values[l] - 1 - (t >> l);
                if (back >= H) continue;
                any = true;
                if (back >= 0) tail[(l * H + back) * Lanes + lane] += Unsafe.Add(ref counts, i);
            }
            if (!any) break;
        }
    }
}
