using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CloudXpcs.Science.Correlation;

/// <summary>One row of 8 lanes of level state as two 4-lane halves.</summary>
internal readonly record struct LaneRow(Vector256<double> Lo, Vector256<double> Hi)
{
    public static LaneRow operator +(LaneRow a, LaneRow b) => new(a.Lo + b.Lo, a.Hi + b.Hi);
    public static LaneRow operator &(LaneRow a, LaneRow b) => new(a.Lo & b.Lo, a.Hi & b.Hi);
}

/// <summary>
/// The state of one multi-tau level for every column of 8 pixels: the last `history` values (window), the lag-product
/// sums, the first `history` values (head), the running total and the value waiting to be paired into the next level.
/// Lives in memory owned by the correlator; a column's block is zeroed by <see cref="StartColumn"/> when the level
/// receives its first values.
/// </summary>
internal sealed unsafe class MultiTauLevelState
{
    private const int Lanes = MultiTauKernels.Lanes;
    private readonly int _history;
    private readonly int _lagCount;
    private readonly int _stride;
    private readonly double* _state;
    private readonly int _length;

    /// <summary>Doubles a level of <paramref name="columns"/> columns needs.</summary>
    public static long DoublesFor(int kMin, int kMax, int history, int columns) => (long)Stride(kMin, kMax, history) * columns;

    private static int Stride(int kMin, int kMax, int history) => (history + (kMax - kMin + 1) + history + 2) * Lanes;

    public MultiTauLevelState(int kMin, int kMax, int history, int columns, double* state)
    {
        KMin = kMin;
        _history = history;
        _lagCount = kMax - kMin + 1;
        _stride = Stride(kMin, kMax, history);
        _length = checked(_stride * columns);
        _state = state;
    }

    public int KMin { get; }
    public long ValuesSoFar { get; set; }
    public long StateBytes => 8L * _length;

    private Span<double> State => new(_state, _length);
    // Per column: window, sums, total and pending value, which every batch reads and writes, then the head, which only
    // the first batch and the finalization touch.
    private int WindowOffset(int c) => c * _stride;
    private int AccOffset(int c) => WindowOffset(c) + _history * Lanes;
    private int TotalOffset(int c) => AccOffset(c) + _lagCount * Lanes;
    private int PendingOffset(int c) => TotalOffset(c) + Lanes;
    private int HeadOffset(int c) => PendingOffset(c) + Lanes;
    private int StreamedDoubles => (_history + _lagCount + 2) * Lanes;

    /// <summary>Zeroes the column's block before the level's first values arrive: zeros before the stream starts, empty sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StartColumn(int c)
    {
        if (ValuesSoFar == 0) State.Slice(WindowOffset(c), _stride).Clear();
    }

    public Span<double> Acc(int c) => State.Slice(AccOffset(c), _lagCount * Lanes);
    public int KMax => KMin + _lagCount - 1;
    /// <summary>The last `history` values, oldest row first (the event path reads and rewrites them).</summary>
    public Span<double> Window(int c) => State.Slice(WindowOffset(c), _history * Lanes);
    public Span<double> Head(int c) => State.Slice(HeadOffset(c), _history * Lanes);
    public Span<double> Pending(int c) => State.Slice(PendingOffset(c), Lanes);
    public double Total(int c, int lane) => State[TotalOffset(c) + lane];

    public LaneRow AccRow(int c, int k) => LoadRow(AccOffset(c) + (k - KMin) * Lanes);
    public LaneRow TotalRow(int c) => LoadRow(TotalOffset(c));

    /// <summary>The j-th first value of the stream.</summary>
    public LaneRow HeadRow(int c, int j) => LoadRow(HeadOffset(c) + j * Lanes);

    /// <summary>The j-th last value of the stream.</summary>
    public LaneRow TailRow(int c, int j) => LoadRow(WindowOffset(c) + (_history - 1 - j) * Lanes);

    /// <summary>Asks for the cache lines of one column's state that a batch uses (the head only before the level starts).</summary>
    public void PrefetchStreamed(int c) => Prefetch(c, ValuesSoFar < _history ? _stride : StreamedDoubles);

    /// <summary>Asks for the cache lines of one column's whole state.</summary>
    public void Prefetch(int c) => Prefetch(c, _stride);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prefetch(int c, int doubles)
    {
        if (!Sse.IsSupported) return;
        byte* line = (byte*)(_state + WindowOffset(c));
        byte* end = line + doubles * sizeof(double);
        for (; line < end; line += 64) Sse.Prefetch0(line);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LaneRow LoadRow(int offset)
    {
        System.Diagnostics.Debug.Assert(offset >= 0 && offset + Lanes <= _length);
        double* row = _state + offset;
        return new LaneRow(Vector256.Load(row), Vector256.Load(row + 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LoadHistory(int c, Span<double> buffer) =>
        State.Slice(WindowOffset(c), _history * Lanes).CopyTo(buffer);

    /// <summary>The window as float rows; exact because the caller only takes float paths for values below 2^24.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddTotal(int c, Vector256<double> lo, Vector256<double> hi)
    {
        ref double total = ref State[TotalOffset(c)];
        (Vector256.LoadUnsafe(ref total) + lo).StoreUnsafe(ref total);
        (Vector256.LoadUnsafe(ref total, 4) + hi).StoreUnsafe(ref total, 4);
    }

    /// <summary>Keeps the first values of the stream (head) and the last `history` rows (window).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    /// <see cref="PairInto{T}"/> from float values to float values, for values whose pair sums are exact in float
    /// (the caller bounds them, the value waiting to be paired included).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int PairInto(int c, ReadOnlySpan<float> buffer, int n, Span<float> output)
    {
        ref float rows = ref MemoryMarshal.GetReference(buffer);
        ref double pending = ref State[PendingOffset(c)];
        ref float o = ref MemoryMarshal.GetReference(output);
        int made = 0, i = 0;
        if ((ValuesSoFar & 1) == 1 && n > 0)
        {
            var first = Vector256.Narrow(Vector256.LoadUnsafe(ref pending), Vector256.LoadUnsafe(ref pending, 4))
                        + Vector256.LoadUnsafe(ref rows, (nuint)(_history * Lanes));
            first.StoreUnsafe(ref o);
            made = 1;
            i = 1;
        }
        ref float a = ref Unsafe.Add(ref rows, (_history + i) * Lanes);
        ref float destination = ref Unsafe.Add(ref o, made * Lanes);
        for (; i + 1 < n; i += 2, made++)
        {
            (Vector256.LoadUnsafe(ref a) + Vector256.LoadUnsafe(ref a, Lanes)).StoreUnsafe(ref destination);
            a = ref Unsafe.Add(ref a, 2 * Lanes);
            destination = ref Unsafe.Add(ref destination, Lanes);
        }
        if (i < n) StoreRow(ref pending, Row(ref rows, _history + i));
        return made;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ref double destination, (Vector256<double> Lo, Vector256<double> Hi) row)
    {
        row.Lo.StoreUnsafe(ref destination);
        row.Hi.StoreUnsafe(ref destination, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<double> Lo, Vector256<double> Hi) Row<T>(ref T rows, int row) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref rows), (nuint)(row * Lanes)));
        ref double r = ref Unsafe.As<T, double>(ref rows);
        return (Vector256.LoadUnsafe(ref r, (nuint)(row * Lanes)), Vector256.LoadUnsafe(ref r, (nuint)(row * Lanes + 4)));
    }
}
