using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The whole-series event path's column-row kernel, for columns whose pixels count in many frames (see
/// <see cref="TryCorrelateColumnEvents"/>; sparser columns take the pixel kernel): one column of 8 pixels through
/// every level from its level-0 rows that hold events, 8 lanes at a time. Binning is linear, so a level's lag sum needs
/// no binned event list: Σ_s B_l(s)·B_l(s − k) = Σ_t x(t)·B_l(⌊t/2^l⌋ − k) over the non-zero level-0 rows x(t), where
/// B_l(s − k) is a bin completed before row t. One pass over the non-zero rows thus gives the lag sums of levels 0 to
/// <see cref="RowLinearLevels"/> − 1 and fills their bins (which give heads, tails and totals); the levels above, where
/// nearly every bin of a column holds a photon, go through the dense float kernel (<see cref="UpperLevels"/>, for the
/// pixel kernel too). Float is exact here: every value, partial sum and product sum of a lane is an integer at most
/// T² ≤ 2^24 for a pixel total T ≤ 4096 (checked per column; otherwise the per-pixel path takes the column). The sums
/// are the dense path's exact integers, so g2 is bit-identical.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    private const int RowLinearLevels = 5;

    /// <summary>
    /// One thread's buffers (about 64 bytes per frame, made at the first column that takes this kernel): per level
    /// l ≤ <see cref="RowLinearLevels"/> the bins B_l as float rows of 8 lanes after `history` zero rows (M_l rows plus
    /// the partial last bin), all zero between columns; the occupied level-0 rows as bits; the thread's upper-level rows
    /// (shared with its pixel kernel, which runs on other columns of the same thread).
    /// </summary>
    private sealed class ColumnRowBuffers
    {
        public readonly float[][] Bins = new float[RowLinearLevels + 1][];
        public readonly ulong[] Occupied;
        public readonly int[] Times;
        public readonly UpperLevelRows Upper;

        public ColumnRowBuffers(long frames, int history, UpperLevelRows upper)
        {
            for (int l = 0; l <= RowLinearLevels; l++) Bins[l] = new float[(history + MultiTauLadder.BinnedFrames(frames, l) + 1) * Lanes];
            Occupied = new ulong[(frames + 63) / 64];
            Times = new int[frames];
            Upper = upper;
        }
    }

    /// <summary>
    /// One thread's rows for the levels above <see cref="RowLinearLevels"/> (<see cref="UpperLevels"/>): two buffers of
    /// 8-lane float rows, each as long as level <see cref="RowLinearLevels"/>'s bins, that take the levels in turn, and
    /// the indices of all their rows.
    /// </summary>
    private sealed class UpperLevelRows
    {
        public readonly float[] Next, Spare;
        public readonly int[] AllRows;

        public UpperLevelRows(long frames, int history)
        {
            int rows = history + (int)MultiTauLadder.BinnedFrames(frames, RowLinearLevels) + 1;
            Next = new float[rows * Lanes];
            Spare = new float[rows * Lanes];
            AllRows = Enumerable.Range(0, rows).ToArray();
        }
    }

    /// <summary>
    /// The column whose pixels' time-sorted events are scratch.Frames/Counts [KeyStart[key0 + lane], KeyStart[key0 +
    /// lane + 1]) into <paramref name="rows"/> (every value the finalization reads is written); its pixel totals are at
    /// most <see cref="FloatExactPixelTotal"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CorrelateColumnRows(PixelEventScratch scratch, int key0, ColumnEventRows rows)
    {
        var buffers = scratch.ColumnRows ??= new ColumnRowBuffers(_totalFrames, _history, scratch.PixelKernel!.Upper);
        var frames = scratch.Frames;
        var counts = scratch.Counts;
        var keyStart = scratch.KeyStart;
        int history = _history;
        var bins = buffers.Bins;
        var occupied = buffers.Occupied;
        float[] level0 = bins[0];
        for (int lane = 0; lane < Lanes; lane++)
            for (int e = keyStart[key0 + lane]; e < keyStart[key0 + lane + 1]; e++)
            {
                int t = frames[e];
                level0[(history + t) * Lanes + lane] = counts[e];
                occupied[t >> 6] |= 1UL << t;
            }
        int visited = VisitRows(buffers, rows);
        // The bins go back to zero for the next column.
        var times = buffers.Times;
        for (int l = 0; l <= RowLinearLevels; l++)
        {
            ref float bin = ref MemoryMarshal.GetArrayDataReference(bins[l]);
            for (int i = 0; i < visited; i++) Vector256<float>.Zero.StoreUnsafe(ref bin, (nuint)((history + (times[i] >> l)) * Lanes));
        }
    }

    /// <summary>
    /// The pass over the occupied level-0 rows (in time order): lag sums of levels 0 to 4 in registers, the bins of
    /// levels 1 to 5 filled; then heads, tails, totals and the upper levels. Returns how many rows were visited
    /// (their times in buffers.Times).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int VisitRows(ColumnRowBuffers buffers, ColumnEventRows rows)
    {
        const int H = 8;
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[0]);
        ref float b1 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[1]);
        ref float b2 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[2]);
        ref float b3 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[3]);
        ref float b4 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[4]);
        ref float b5 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[5]);
        var occupied = buffers.Occupied;
        var times = buffers.Times;
        Vector256<float> a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default, a08 = default;
        Vector256<float> a15 = default, a16 = default, a17 = default, a18 = default;
        Vector256<float> a25 = default, a26 = default, a27 = default, a28 = default;
        Vector256<float> a35 = default, a36 = default, a37 = default, a38 = default;
        Vector256<float> a45 = default, a46 = default, a47 = default, a48 = default;
        Vector256<float> total = default;
        int visited = 0;
        for (int word = 0; word < occupied.Length; word++)
        {
            ulong bits = occupied[word];
            if (bits == 0) continue;
            occupied[word] = 0;
            for (; bits != 0; bits &= bits - 1)
            {
                int t = word * 64 + BitOperations.TrailingZeroCount(bits);
                times[visited++] = t;
                ref float r0 = ref Unsafe.Add(ref b0, (H + t) * Lanes);
                var x = Vector256.LoadUnsafe(ref r0);
                total += x;
                a01 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 1 * Lanes)), a01);
                a02 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 2 * Lanes)), a02);
                a03 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 3 * Lanes)), a03);
                a04 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 4 * Lanes)), a04);
                a05 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 5 * Lanes)), a05);
                a06 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 6 * Lanes)), a06);
                a07 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 7 * Lanes)), a07);
                a08 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 8 * Lanes)), a08);
                UpperLevelRow(ref b1, H + (t >> 1), x, ref a15, ref a16, ref a17, ref a18);
                UpperLevelRow(ref b2, H + (t >> 2), x, ref a25, ref a26, ref a27, ref a28);
                UpperLevelRow(ref b3, H + (t >> 3), x, ref a35, ref a36, ref a37, ref a38);
                UpperLevelRow(ref b4, H + (t >> 4), x, ref a45, ref a46, ref a47, ref a48);
                ref float r5 = ref Unsafe.Add(ref b5, (H + (t >> 5)) * Lanes);
                (Vector256.LoadUnsafe(ref r5) + x).StoreUnsafe(ref r5);
            }
        }
        int levels = _levels.Length;
        ReadOnlySpan<Vector256<float>> level0 = [a01, a02, a03, a04, a05, a06, a07, a08];
        for (int k = 0; k < 8; k++) StoreWidened(rows.AccValues, k * Lanes, level0[k]);
        ReadOnlySpan<Vector256<float>> upper = [a15, a16, a17, a18, a25, a26, a27, a28, a35, a36, a37, a38, a45, a46, a47, a48];
        for (int l = 1; l < Math.Min(levels, RowLinearLevels); l++)
            for (int j = 0; j < 4; j++)
            {
                var acc = upper[(l - 1) * 4 + j];
                // Rows of the partial last bin (frames beyond M_l·2^l) added x(t)·B_l(M_l − k) that are no lag products.
                int partial = (int)MultiTauLadder.BinnedFrames(_totalFrames, l), k = 5 + j;
                if (partial - k >= -H)
                    acc = Vector256.FusedMultiplyAdd(-BinRow(buffers.Bins[l], partial), BinRow(buffers.Bins[l], partial - k), acc);
                StoreWidened(rows.AccValues, (l * H + j) * Lanes, acc);
            }
        for (int l = 0; l < Math.Min(levels, RowLinearLevels); l++)
        {
            int values = (int)MultiTauLadder.BinnedFrames(_totalFrames, l);
            StoreLevelEdges(rows, l, buffers.Bins[l], values, total - BinRow(buffers.Bins[l], values));
        }
        if (levels > RowLinearLevels) UpperLevels(buffers.Bins[RowLinearLevels], buffers.Upper, rows);
        return visited;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpperLevelRow(ref float bins, int row, Vector256<float> x,
        ref Vector256<float> a5, ref Vector256<float> a6, ref Vector256<float> a7, ref Vector256<float> a8)
    {
        ref float r = ref Unsafe.Add(ref bins, row * Lanes);
        a5 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r, 5 * Lanes)), a5);
        a6 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r, 6 * Lanes)), a6);
        a7 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r, 7 * Lanes)), a7);
        a8 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r, 8 * Lanes)), a8);
        (Vector256.LoadUnsafe(ref r) + x).StoreUnsafe(ref r);
    }

    /// <summary>Bin s of a level's float rows (after the `history` zero rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<float> BinRow(float[] bins, int s) => Vector256.LoadUnsafe(ref bins[(_history + s) * Lanes]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWidened(double[] target, int offset, Vector256<float> value)
    {
        var (lo, hi) = Vector256.Widen(value);
        lo.StoreUnsafe(ref target[offset]);
        hi.StoreUnsafe(ref target[offset], 4);
    }

    /// <summary>A level's total, first and last `history` values (zero beyond its values) from its float rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreLevelEdges(ColumnEventRows rows, int level, float[] bins, int values, Vector256<float> total)
    {
        StoreWidened(rows.TotalValues, level * Lanes, total);
        for (int j = 0; j < _history; j++)
        {
            int offset = (level * _history + j) * Lanes;
            StoreWidened(rows.HeadValues, offset, j < values ? BinRow(bins, j) : default);
            StoreWidened(rows.TailValues, offset, j < values ? BinRow(bins, values - 1 - j) : default);
        }
    }

    /// <summary>
    /// Levels from <see cref="RowLinearLevels"/> up as dense float rows, starting from that level's bins in
    /// <paramref name="first"/> (left unchanged); the rows of <paramref name="upper"/> take the levels above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpperLevels(float[] first, UpperLevelRows upper, ColumnEventRows rows)
    {
        float[] next = upper.Next, spare = upper.Spare;
        int[] allRows = upper.AllRows;
        int history = _history;
        float[] buffer = first;
        for (int l = RowLinearLevels; l < _levels.Length; l++)
        {
            int values = (int)MultiTauLadder.BinnedFrames(_totalFrames, l);
            var acc = rows.AccValues.AsSpan(l * history * Lanes, 4 * Lanes);
            acc.Clear();
            var total = MultiTauKernels.FourLags(buffer.AsSpan(0, (history + values) * Lanes), allRows.AsSpan(history, values), _delaysPerLevel + 1, acc);
            StoreLevelEdges(rows, l, buffer, values, total);
            if (l + 1 < _levels.Length)
            {
                ref float from = ref buffer[history * Lanes];
                ref float to = ref next[history * Lanes];
                for (int pair = 0; pair < values / 2; pair++)
                    (Vector256.LoadUnsafe(ref from, (nuint)(2 * pair * Lanes)) + Vector256.LoadUnsafe(ref from, (nuint)((2 * pair + 1) * Lanes)))
                        .StoreUnsafe(ref to, (nuint)(pair * Lanes));
            }
            buffer = next;
            (next, spare) = (spare, next);
        }
    }
}
