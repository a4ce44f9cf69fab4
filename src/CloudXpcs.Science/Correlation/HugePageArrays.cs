using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudXpcs.Science.Correlation;

/// <summary>
/// Large arrays whose pages the kernel maps 2 MiB at a time (transparent huge pages, advised on Linux) when they are
/// first written: a read buffer of 256 MiB is then faulted in by ~128 page faults instead of ~65 000, each of which
/// costs an exit to the hypervisor on a VM. Pinned, so that the advised range stays where it is.
/// </summary>
public static unsafe partial class HugePageArrays
{
    internal const nuint HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    /// <summary>An array of <paramref name="length"/> elements, contents undefined.</summary>
    public static T[] AllocateUninitialized<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        if ((long)length * sizeof(T) < 2 * (long)HugePage) return array;
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        nuint end = start + (nuint)((long)length * sizeof(T));
        nuint first = (start + HugePage - 1) / HugePage * HugePage, last = end / HugePage * HugePage;
        if (last > first) Advise((void*)first, last - first);
        return array;
    }

    /// <summary>Advises the kernel to back [<paramref name="address"/>, +<paramref name="bytes"/>) with huge pages (Linux; elsewhere nothing).</summary>
    internal static void Advise(void* address, nuint bytes)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            _ = Madvise(address, bytes, MadviseHugePage);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
