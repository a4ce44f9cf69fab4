using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// The column kernel's pass over the occupied level-0 rows with 512-bit vectors: two adjacent rows of 8 lanes are one
/// load, so one fused multiply-add takes two lags (the row duplicated into both halves). Each lane of each lag sees the
/// same products in the same order as in the 256-bit pass of <see cref="VisitRows"/>, and every sum is an exact integer
/// there anyway (see that file), so the sums are the same bits.
/// </summary>
public sealed partial class MultiTauCorrelator
{
    // Lags 1..8 of level 0, lags 5..8 of levels 1 to 4, the total.
    private const int RowLoopSums = 8 + 4 * (RowLinearLevels - 1) + 1;

    /// <summary>
    /// Visits the occupied level-0 rows in time order (writing them into the level-0 bins, their times into buffers.Times), adds each
    /// to its bins of levels 1 to <see cref="RowLinearLevels"/> and writes the lag sums of levels 0 to 4 and the total
    /// into <paramref name="sums"/> (level 0 lags 1..8, then per level 1 to 4 lags 5..8, then the total).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int PairedRowLoop(ColumnRowBuffers buffers, Span<Vector256<float>> sums, EventRows events)
    {
        const int H = 8;
        ref float b0 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[0]);
        ref float b1 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[1]);
        ref float b2 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[2]);
        ref float b3 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[3]);
        ref float b4 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[4]);
        ref float b5 = ref MemoryMarshal.GetArrayDataReference(buffers.Bins[5]);
        var times = buffers.Times;
        // Lower half: the even lag of the pair (the earlier row), upper half: the odd lag.
        Vector512<float> a21 = default, a43 = default, a65 = default, a87 = default;
        Vector512<float> a165 = default, a187 = default, a265 = default, a287 = default;
        Vector512<float> a365 = default, a387 = default, a465 = default, a487 = default;
        Vector256<float> total = default;
        int visited = 0;
        while (events.Next(out int t, out var x))
        {
            times[visited++] = t;
            ref float r0 = ref Unsafe.Add(ref b0, (H + t) * Lanes);
            x.StoreUnsafe(ref r0);
            var xx = Vector512.Create(x, x);
            total += x;
            a21 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r0, 2 * Lanes)), a21);
            a43 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r0, 4 * Lanes)), a43);
            a65 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r0, 6 * Lanes)), a65);
            a87 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r0, 8 * Lanes)), a87);
            PairedUpperLevelRow(ref b1, H + (t >> 1), x, xx, ref a165, ref a187);
            PairedUpperLevelRow(ref b2, H + (t >> 2), x, xx, ref a265, ref a287);
            PairedUpperLevelRow(ref b3, H + (t >> 3), x, xx, ref a365, ref a387);
            PairedUpperLevelRow(ref b4, H + (t >> 4), x, xx, ref a465, ref a487);
            ref float r5 = ref Unsafe.Add(ref b5, (H + (t >> 5)) * Lanes);
            (Vector256.LoadUnsafe(ref r5) + x).StoreUnsafe(ref r5);
        }
        (sums[1], sums[0]) = (a21.GetLower(), a21.GetUpper());
        (sums[3], sums[2]) = (a43.GetLower(), a43.GetUpper());
        (sums[5], sums[4]) = (a65.GetLower(), a65.GetUpper());
        (sums[7], sums[6]) = (a87.GetLower(), a87.GetUpper());
        ReadOnlySpan<Vector512<float>> upper = [a165, a187, a265, a287, a365, a387, a465, a487];
        for (int i = 0; i < upper.Length; i++) (sums[8 + 2 * i + 1], sums[8 + 2 * i]) = (upper[i].GetLower(), upper[i].GetUpper());
        sums[RowLoopSums - 1] = total;
        return visited;
    }

    /// <summary>Lags 5..8 of one level for the row's bin (lags 5, 6 and 7, 8 as pairs of rows), then the row into its bin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairedUpperLevelRow(ref float bins, int row, Vector256<float> x, Vector512<float> xx,
        ref Vector512<float> a65, ref Vector512<float> a87)
    {
        ref float r = ref Unsafe.Add(ref bins, row * Lanes);
        a65 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r, 6 * Lanes)), a65);
        a87 = Vector512.FusedMultiplyAdd(xx, Vector512.LoadUnsafe(ref Unsafe.Subtract(ref r, 8 * Lanes)), a87);
        (Vector256.LoadUnsafe(ref r) + x).StoreUnsafe(ref r);
    }
}
