using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Lag-product kernels over a column of 8 pixels. A buffer holds rows of 8 lanes: rows [0, history) are the
/// previous values of the stream (zeros before its start), rows [history, history + n) the new values.
/// Each kernel adds Σ_t row(t)·row(t − k) over the new rows t to acc[(k − kMin)·8 + lane] for k in [kMin, kMax].
/// Kernels visit only the rows listed by <see cref="NonZeroRows{T}"/> (a zero row adds nothing), so on sparse
/// frames the lag products cost work in proportion to the photons, without data-dependent branches.
/// </summary>
internal static class MultiTauKernels
{
    public const int Lanes = 8;

    /// <summary>
    /// Writes the indices of the new rows (history ≤ t &lt; history + n) that hold a non-zero value; returns how many.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NonZeroRows<T>(ReadOnlySpan<T> buffer, int history, int n, Span<int> rows) where T : unmanaged
    {
        ref int r = ref MemoryMarshal.GetReference(rows);
        ref T b = ref MemoryMarshal.GetReference(buffer);
        int count = 0;
        for (int t = history; t < history + n; t++)
        {
            Unsafe.Add(ref r, count) = t;
            // Counts are never −0.0, so "all bits zero" is "all values zero".
            Vector256<byte> bits = typeof(T) == typeof(float)
                ? Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref b), (nuint)(t * Lanes)).AsByte()
                : (Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref b), (nuint)(t * Lanes))
                   | Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref b), (nuint)(t * Lanes + 4))).AsByte();
            bool zero = bits == Vector256<byte>.Zero;
            count += 1 - Unsafe.As<bool, byte>(ref zero);
        }
        return count;
    }

    /// <summary>
    /// Lags 1..8 on float rows; returns the lane sums of the rows. Exact for integer counts while n·max² ≤ 2^24
    /// (the caller checks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Lags1To8(ReadOnlySpan<float> buffer, ReadOnlySpan<int> rows, Span<double> acc)
    {
        ref float b = ref MemoryMarshal.GetReference(buffer);
        Vector256<float> a1 = default, a2 = default, a3 = default, a4 = default,
            a5 = default, a6 = default, a7 = default, a8 = default, total = default;
        foreach (int t in rows)
        {
            ref float row = ref Unsafe.Add(ref b, t * Lanes);
            var x = Vector256.LoadUnsafe(ref row);
            total += x;
            a1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 1 * Lanes)), a1);
            a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 2 * Lanes)), a2);
            a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 3 * Lanes)), a3);
            a4 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 4 * Lanes)), a4);
            a5 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 5 * Lanes)), a5);
            a6 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 6 * Lanes)), a6);
            a7 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 7 * Lanes)), a7);
            a8 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref row, 8 * Lanes)), a8);
        }
        AddWidened(acc, 0, a1); AddWidened(acc, 1, a2); AddWidened(acc, 2, a3); AddWidened(acc, 3, a4);
        AddWidened(acc, 4, a5); AddWidened(acc, 5, a6); AddWidened(acc, 6, a7); AddWidened(acc, 7, a8);
        return total;
    }

    /// <summary>
    /// Lags kMin..kMin+3 on double rows, both 4-lane halves of the column in one pass; returns the lane sums of the rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (Vector256<double> Lo, Vector256<double> Hi) FourLags(ReadOnlySpan<double> buffer, ReadOnlySpan<int> rows, int kMin,
        Span<double> acc, int accRow0 = 0)
    {
        ref double b = ref MemoryMarshal.GetReference(buffer);
        Vector256<double> l0 = default, l1 = default, l2 = default, l3 = default,
            h0 = default, h1 = default, h2 = default, h3 = default, totalLo = default, totalHi = default;
        foreach (int t in rows)
        {
            ref double row = ref Unsafe.Add(ref b, t * Lanes);
            var xl = Vector256.LoadUnsafe(ref row);
            var xh = Vector256.LoadUnsafe(ref row, 4);
            totalLo += xl;
            totalHi += xh;
            ref double r0 = ref Unsafe.Subtract(ref row, kMin * Lanes);
            l0 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref r0), l0);
            h0 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref r0, 4), h0);
            ref double r1 = ref Unsafe.Subtract(ref r0, Lanes);
            l1 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref r1), l1);
            h1 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref r1, 4), h1);
            ref double r2 = ref Unsafe.Subtract(ref r1, Lanes);
            l2 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref r2), l2);
            h2 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref r2, 4), h2);
            ref double r3 = ref Unsafe.Subtract(ref r2, Lanes);
            l3 = Vector256.FusedMultiplyAdd(xl, Vector256.LoadUnsafe(ref r3), l3);
            h3 = Vector256.FusedMultiplyAdd(xh, Vector256.LoadUnsafe(ref r3, 4), h3);
        }
        AddHalves(acc, accRow0 + 0, l0, h0); AddHalves(acc, accRow0 + 1, l1, h1);
        AddHalves(acc, accRow0 + 2, l2, h2); AddHalves(acc, accRow0 + 3, l3, h3);
        return (totalLo, totalHi);
    }

    /// <summary>
    /// Lags kMin..kMin+3 on float rows (all 8 lanes in one vector); returns the lane sums of the rows. Exact for
    /// integer values while n·max² ≤ 2^24 (the caller checks).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> FourLags(ReadOnlySpan<float> buffer, ReadOnlySpan<int> rows, int kMin, Span<double> acc)
    {
        ref float b = ref MemoryMarshal.GetReference(buffer);
        // Two rows at a time into separate sums (exact integers, so the order does not matter): the fused multiply-adds
        // of one row do not wait on the previous row's.
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, total = default;
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int i = 0; i < rows.Length; i += 2)
        {
            // An odd last row goes with a row of zeros, which adds exact zeros.
            bool pair = i + 1 < rows.Length;
            ref float row = ref Unsafe.Add(ref b, rows[i] * Lanes);
            ref float next = ref Unsafe.Add(ref b, rows[pair ? i + 1 : i] * Lanes);
            var x = Vector256.LoadUnsafe(ref row);
            var y = pair ? Vector256.LoadUnsafe(ref next) : Vector256<float>.Zero;
            total += x + y;
            ref float r0 = ref Unsafe.Subtract(ref row, kMin * Lanes);
            ref float s0 = ref Unsafe.Subtract(ref next, kMin * Lanes);
            a0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref r0), a0);
            c0 = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref s0), c0);
            a1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 1 * Lanes)), a1);
            c1 = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref s0, 1 * Lanes)), c1);
            a2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 2 * Lanes)), a2);
            c2 = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref s0, 2 * Lanes)), c2);
            a3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref r0, 3 * Lanes)), a3);
            c3 = Vector256.FusedMultiplyAdd(y, Vector256.LoadUnsafe(ref Unsafe.Subtract(ref s0, 3 * Lanes)), c3);
        }
        AddWidened(acc, 0, a0 + c0); AddWidened(acc, 1, a1 + c1); AddWidened(acc, 2, a2 + c2); AddWidened(acc, 3, a3 + c3);
        return total;
    }

    /// <summary>
    /// Any lag range on double rows, the path for delays_per_level other than 4; returns the lane sums of the rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (Vector256<double> Lo, Vector256<double> Hi) AnyLags(ReadOnlySpan<double> buffer, ReadOnlySpan<int> rows,
        int kMin, int kMax, Span<double> acc)
    {
        Vector256<double> totalLo = default, totalHi = default;
        foreach (int t in rows)
        {
            var x = buffer.Slice(t * Lanes, Lanes);
            totalLo += Vector256.Create<double>(x[..4]);
            totalHi += Vector256.Create<double>(x[4..]);
            for (int k = kMin; k <= kMax; k++)
            {
                var y = buffer.Slice((t - k) * Lanes, Lanes);
                var a = acc.Slice((k - kMin) * Lanes, Lanes);
                for (int lane = 0; lane < Lanes; lane++) a[lane] += x[lane] * y[lane];
            }
        }
        return (totalLo, totalHi);
    }

    private static void AddWidened(Span<double> acc, int row, Vector256<float> a)
    {
        ref double r = ref Unsafe.Add(ref MemoryMarshal.GetReference(acc), row * Lanes);
        var (lo, hi) = Vector256.Widen(a);
        (Vector256.LoadUnsafe(ref r) + lo).StoreUnsafe(ref r);
        (Vector256.LoadUnsafe(ref r, 4) + hi).StoreUnsafe(ref r, 4);
    }

    private static void AddHalves(Span<double> acc, int row, Vector256<double> lo, Vector256<double> hi)
    {
        ref double r = ref Unsafe.Add(ref MemoryMarshal.GetReference(acc), row * Lanes);
        (Vector256.LoadUnsafe(ref r) + lo).StoreUnsafe(ref r);
        (Vector256.LoadUnsafe(ref r, 4) + hi).StoreUnsafe(ref r, 4);
    }
}
