using System.Runtime.InteropServices;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Native memory for the correlator state, 2 MiB aligned and, on Linux, advised to use transparent huge pages:
/// first touch of hundreds of MiB of state then costs hundreds of page faults instead of ~10^5.
/// Not zeroed: the correlator zeroes each column's state where it first uses it, while it is in cache anyway.
/// Freed by <see cref="Dispose"/> or, failing that, by the finalizer.
/// </summary>
internal sealed unsafe class HugePageBuffer : IDisposable
{
    private const nuint HugePage = HugePageArrays.HugePage;
    private double* _memory;

    /// <param name="length">Doubles; the capacity is rounded up to whole huge pages.</param>
    public HugePageBuffer(long length)
    {
        if (length < 0 || length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(length));
        nuint bytes = (nuint)Math.Max(length * sizeof(double), 1);
        nuint rounded = (bytes + HugePage - 1) / HugePage * HugePage;
        Capacity = (long)(rounded / sizeof(double));
        _memory = (double*)NativeMemory.AlignedAlloc(rounded, HugePage);
        HugePageArrays.Advise(_memory, rounded);
    }

    /// <summary>Writes one value per 4 KiB page, so that the kernel maps (and zeroes) every page now, not on first use.</summary>
    public void TouchPages()
    {
        double* memory = Pointer;
        for (long i = 0; i < Capacity; i += 4096 / sizeof(double)) memory[i] = 0;
    }

    /// <summary>Doubles the buffer holds.</summary>
    public long Capacity { get; }

    public long Bytes => Capacity * sizeof(double);

    /// <summary>The memory; valid until <see cref="Dispose"/> while the buffer is reachable.</summary>
    public double* Pointer => _memory is null ? throw new ObjectDisposedException(nameof(HugePageBuffer)) : _memory;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~HugePageBuffer() => Free();

    private void Free()
    {
        if (_memory is null) return;
        NativeMemory.AlignedFree(_memory);
        _memory = null;
    }
}
