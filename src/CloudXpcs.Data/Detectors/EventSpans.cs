using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CloudXpcs.Data.Detectors;

/// <summary>The vectorized checks and conversions of the event readers (little-endian files on a little-endian host).</summary>
internal static class EventSpans
{
    /// <summary>Widens 16-bit counts into the event count array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ReadOnlySpan<ushort> source, Span<int> destination)
    {
        var wide = MemoryMarshal.Cast<int, uint>(destination[..source.Length]);
        int i = 0;
        for (; i + Vector256<ushort>.Count <= source.Length; i += Vector256<ushort>.Count)
        {
            var (lower, upper) = Vector256.Widen(Vector256.Create(source.Slice(i, Vector256<ushort>.Count)));
            lower.CopyTo(wide[i..]);
            upper.CopyTo(wide[(i + Vector256<uint>.Count)..]);
        }
        for (; i < source.Length; i++) wide[i] = source[i];
    }

    /// <summary>The index of the first value outside [0, <paramref name="limit"/>), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int FirstOutside(ReadOnlySpan<int> values, int limit)
    {
        var unsigned = MemoryMarshal.Cast<int, uint>(values);
        var bound = Vector256.Create((uint)limit);
        int i = 0;
        for (; i + Vector256<uint>.Count <= unsigned.Length; i += Vector256<uint>.Count)
            if (Vector256.GreaterThanOrEqualAny(Vector256.Create(unsigned.Slice(i, Vector256<uint>.Count)), bound)) break;
        for (; i < unsigned.Length; i++)
            if (unsigned[i] >= (uint)limit) return i;
        return -1;
    }

    /// <summary>Whether the values increase strictly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IncreaseStrictly(ReadOnlySpan<int> values)
    {
        int i = 0;
        for (; i + Vector256<int>.Count < values.Length; i += Vector256<int>.Count)
            if (!Vector256.GreaterThanAll(Vector256.Create(values.Slice(i + 1, Vector256<int>.Count)), Vector256.Create(values.Slice(i, Vector256<int>.Count))))
                return false;
        for (; i + 1 < values.Length; i++)
            if (values[i + 1] <= values[i]) return false;
        return true;
    }

    /// <summary>
    /// Runs <paramref name="work"/> over [0, <paramref name="count"/>) in contiguous ranges on all cores. Each range stops at
    /// its first fault; the fault of the lowest index is thrown, as a sequential pass would have met it first.
    /// </summary>
    public static void ForRanges(int count, Func<int, int, (int At, Exception Fault)?> work)
    {
        int ranges = count < 64 ? 1 : Math.Min(count, 4 * Environment.ProcessorCount);
        (int At, Exception Fault)? first = null;
        var gate = new object();
        Parallel.For(0, ranges, r =>
        {
            int start = (int)((long)count * r / ranges), end = (int)((long)count * (r + 1) / ranges);
            (int At, Exception Fault)? fault;
            try
            {
                fault = work(start, end);
            }
            catch (DataContractException e)
            {
                fault = (start, e); // a read that failed (the file changed or could not be read)
            }
            if (fault is null) return;
            lock (gate)
                if (first is null || fault.Value.At < first.Value.At) first = fault;
        });
        if (first is { } seen) throw seen.Fault;
    }
}
