using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudXpcs.Analysis.Xpcs;

/// <summary>
/// Large arrays whose pages the kernel maps 2 MiB at a time (transparent huge pages, advised on Linux) when they are
/// first written: a read buffer of 256 MiB is then faulted in by ~128 page faults instead of ~65 000, each of which
/// costs an exit to the hypervisor on a VM. Pinned, so that the advised range stays where it is.
/// </summary>
internal static unsafe partial class HugePageArrays
{
    private const nuint HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    /// <summary>An array of <paramref name="length"/> elements, contents undefined.</summary>
    public static T[] AllocateUninitialized<T>(int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length, pinned: true);
        if (!OperatingSystem.IsLinux() || (long)length * sizeof(T) < 2 * (long)HugePage) return array;
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        nuint end = start + (nuint)((long)length * sizeof(T));
        nuint first = (start + HugePage - 1) / HugePage * HugePage, last = end / HugePage * HugePage;
        try
        {
            if (last > first) _ = Madvise(first, last - first, MadviseHugePage);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nuint address, nuint length, int advice);
}
