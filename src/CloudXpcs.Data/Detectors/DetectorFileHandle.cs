using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace CloudXpcs.Data.Detectors;

/// <summary>
/// A detector file open for positioned reads from several threads at once. The readers copy pieces of the file from the
/// page cache into small reused buffers (measured on this machine: 15 ms for 66 MiB, four times faster than the page
/// faults of a memory map of the same file); failures name the file.
/// </summary>
internal sealed class DetectorFileHandle : IDisposable
{
    private readonly SafeFileHandle _handle;

    private DetectorFileHandle(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public static DetectorFileHandle Open(string path)
    {
        try
        {
            return new DetectorFileHandle(path, File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataContractException(path, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataContractException(path, $"cannot read: {e.Message}");
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; a short file means it changed while read.</summary>
    public void ReadExactly(Span<byte> destination, long offset)
    {
        try
        {
            while (!destination.IsEmpty)
            {
                int read = RandomAccess.Read(_handle, destination, offset);
                if (read == 0) throw new DataContractException(Path, $"the file changed while it was read (ended before byte {offset})");
                destination = destination[read..];
                offset += read;
            }
        }
        catch (IOException e)
        {
            throw new DataContractException(Path, $"cannot read: {e.Message}");
        }
    }

    /// <summary>A pooled buffer of at least <paramref name="bytes"/> bytes, replacing <paramref name="buffer"/> when it is smaller.</summary>
    public static byte[] Grow(byte[]? buffer, long bytes)
    {
        if (buffer is not null && buffer.Length >= bytes) return buffer;
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        return ArrayPool<byte>.Shared.Rent((int)Math.Max(bytes, 1 << 16));
    }

    public static void Return(byte[]? buffer)
    {
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Dispose() => _handle.Dispose();
}
