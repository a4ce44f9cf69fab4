using System.Runtime.InteropServices;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Zeroed native memory for the correlator state, 2 MiB aligned and, on Linux, advised to use transparent huge
/// pages: first touch of hundreds of MiB of state then costs hundreds of page faults instead of ~10^5.
/// Freed by <see cref="Dispose"/> or, failing that, by the finalizer.
/// </summary>
internal sealed unsafe partial class HugePageBuffer : IDisposable
{
    private const nuint HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE
    private double* _memory;

    /// <param name="length">Doubles.</param>
    /// <param name="maxParallelism">Threads that zero (and so fault in) the pages: first touch of hundreds of MiB is
    /// kernel work that one core does at a few GB/s.</param>
    public HugePageBuffer(long length, int maxParallelism = 1)
    {
        if (length < 0 || length > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(length));
        Length = (int)length;
        nuint bytes = (nuint)Math.Max(length * sizeof(double), 1);
        nuint rounded = (bytes + HugePage - 1) / HugePage * HugePage;
        _memory = (double*)NativeMemory.AlignedAlloc(rounded, HugePage);
        if (OperatingSystem.IsLinux())
        {
            try { _ = Madvise(_memory, rounded, MadviseHugePage); }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }
        nint start = (nint)_memory;
        long chunks = (long)((bytes + HugePage - 1) / HugePage);
        if (maxParallelism <= 1 || chunks < 4)
        {
            NativeMemory.Clear((void*)start, bytes);
            return;
        }
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, chunk =>
        {
            nuint offset = (nuint)chunk * HugePage;
            NativeMemory.Clear((byte*)start + offset, Math.Min(HugePage, bytes - offset));
        });
    }

    public int Length { get; }

    /// <summary>The memory; valid until <see cref="Dispose"/> while the buffer is reachable.</summary>
    public double* Pointer => _memory is null ? throw new ObjectDisposedException(nameof(HugePageBuffer)) : _memory;

    public Span<double> Span => _memory is null ? throw new ObjectDisposedException(nameof(HugePageBuffer)) : new(_memory, Length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);

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
