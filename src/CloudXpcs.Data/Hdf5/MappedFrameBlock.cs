using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of one chunk file mapped read-only into memory, straight from the page cache: no copy, no fresh
/// memory to fault in and zero, no allocation per batch. Valid until disposed; spans handed out must not outlive it.
/// The file must not be truncated while mapped (the length is checked when mapping; the series' files are the
/// reader's own immutable inputs).
/// </summary>
public sealed unsafe partial class MappedFrameBlock : IDisposable
{
    private const int MadvisePopulateRead = 22; // MADV_POPULATE_READ (Linux 5.14+)
    private const int MadviseWillNeed = 3;      // MADV_WILLNEED
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _base;
    private readonly byte* _data;

    internal MappedFrameBlock(SafeFileHandle handle, string path, ContiguousFrameBlock block, int frames, int pixelsPerFrame, int bytesPerValue)
    {
        if (RandomAccess.GetLength(handle) < block.FileOffset + block.Length)
            throw new DataContractException(path, "chunk file changed while the series was being read (it is shorter than its frames)");
        Path = path;
        FrameCount = frames;
        PixelsPerFrame = pixelsPerFrame;
        BytesPerValue = bytesPerValue;
        Length = block.Length;
        _file = MemoryMappedFile.CreateFromFile(handle, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            _view = _file.CreateViewAccessor(block.FileOffset, block.Length, MemoryMappedFileAccess.Read);
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
            _data = _base + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public string Path { get; }
    public int FrameCount { get; }
    public int PixelsPerFrame { get; }
    public int BytesPerValue { get; }
    public long Length { get; }

    /// <summary>
    /// Maps every page of the block now (on Linux in one call, without a page fault per page), so that the reader of
    /// the frames never waits for the kernel; meant to run ahead of the consumer, on another thread.
    /// </summary>
    public void Populate()
    {
        if (!OperatingSystem.IsLinux()) return;
        nuint page = (nuint)Environment.SystemPageSize;
        nuint start = (nuint)_data / page * page;
        nuint length = (nuint)(_data + Length) - start;
        try
        {
            if (Madvise(start, length, MadvisePopulateRead) != 0) _ = Madvise(start, length, MadviseWillNeed);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }

    /// <summary>Frames [<paramref name="firstFrame"/>, +<paramref name="frameCount"/>) as values of the file's dtype.</summary>
    public ReadOnlySpan<T> Frames<T>(int firstFrame, int frameCount) where T : unmanaged
    {
        if (sizeof(T) != BytesPerValue) throw new ArgumentException($"{typeof(T).Name} is not {BytesPerValue} bytes", nameof(T));
        if (firstFrame < 0 || frameCount < 0 || firstFrame + frameCount > FrameCount)
            throw new ArgumentOutOfRangeException(nameof(frameCount), $"frames {firstFrame}..{firstFrame + frameCount} outside 0..{FrameCount}");
        ObjectDisposedException.ThrowIf(_base is null, this);
        return new ReadOnlySpan<T>(_data + (long)firstFrame * PixelsPerFrame * BytesPerValue, checked(frameCount * PixelsPerFrame));
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nuint address, nuint length, int advice);

    public void Dispose()
    {
        if (_base is null) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _base = null;
        _view.Dispose();
        _file.Dispose();
    }
}
