using System.Runtime.InteropServices;
using System.Text;

namespace CloudXpcs.Data.Inputs;

/// <summary>
/// The one gate every input file passes before it is opened: it must be a regular file (never a FIFO, device or
/// socket, which would block or never end), a symbolic link must stay inside the file's own folder, and text inputs
/// are read counting bytes up to a cap (the file length is never trusted).
/// </summary>
public static class InputFile
{
    /// <summary>JSON documents (manifests, calibration, transport sets, results read back): 16 MiB.</summary>
    public const long MaxJsonBytes = 16L << 20;

    /// <summary>CSV tables (XAM scans, echem.csv, measured curves): 256 MiB.</summary>
    public const long MaxCsvBytes = 256L << 20;

    /// <summary>
    /// Throws <see cref="DataContractException"/> unless <paramref name="path"/> is a regular file whose real location
    /// (symbolic links resolved) is inside the folder that names it. Checked before the file is opened.
    /// </summary>
    public static void RequireRegularFile(string path)
    {
        string full = Path.GetFullPath(path);
        var kind = UnixFileKind.Of(full, followLinks: false);
        if (kind == FileKind.Missing) throw new DataContractException(path, "file not found");
        if (kind == FileKind.SymbolicLink)
        {
            string folder = RealFolder(Path.GetDirectoryName(full)!);
            FileSystemInfo? target;
            try { target = File.ResolveLinkTarget(full, returnFinalTarget: true); }
            catch (IOException ex) { throw new DataContractException(path, "symbolic link cannot be resolved: " + ErrorText.OneLine(ex.Message), ex); }
            if (target is null || !target.Exists && UnixFileKind.Of(target.FullName, followLinks: false) == FileKind.Missing)
                throw new DataContractException(path, "symbolic link to a missing file");
            string real = Path.Combine(RealFolder(Path.GetDirectoryName(target.FullName)!), Path.GetFileName(target.FullName));
            if (!string.Equals(Path.GetDirectoryName(real), folder, StringComparison.Ordinal))
                throw new DataContractException(path, $"symbolic link points outside its folder ({real}); inputs must be files of the upload itself");
            kind = UnixFileKind.Of(real, followLinks: false);
        }
        if (kind != FileKind.Regular)
            throw new DataContractException(path, $"not a regular file (a {Describe(kind)}); inputs must be regular files");
    }

    /// <summary>The file's bytes, refusing more than <paramref name="maxBytes"/> (read counted, at most max+1 bytes).</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        RequireRegularFile(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var buffer = new MemoryStream();
            var block = new byte[81920];
            long total = 0;
            int read;
            while ((read = stream.Read(block, 0, (int)Math.Min(block.Length, maxBytes + 1 - total))) > 0)
            {
                total += read;
                if (total > maxBytes) throw new DataContractException(path, $"file holds more than the {maxBytes} bytes allowed for this input");
                buffer.Write(block, 0, read);
            }
            return buffer.ToArray();
        }
        catch (IOException ex) { throw new DataContractException(path, "cannot read file: " + ErrorText.OneLine(ex.Message), ex); }
        catch (UnauthorizedAccessException ex) { throw new DataContractException(path, "cannot read file: " + ErrorText.OneLine(ex.Message), ex); }
    }

    /// <summary>The file as UTF-8 text (a byte-order mark is dropped; invalid UTF-8 is refused), at most <paramref name="maxBytes"/> bytes.</summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        var bytes = ReadAllBytes(path, maxBytes);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DataContractException(path, "not UTF-8 text: " + ErrorText.OneLine(ex.Message), ex);
        }
    }

    private static string RealFolder(string folder)
    {
        // Resolve every symbolic link on the way so that two spellings of one folder compare equal.
        var info = new DirectoryInfo(folder);
        var parts = new Stack<string>();
        while (info is not null)
        {
            var resolved = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as DirectoryInfo ?? info;
            if (!ReferenceEquals(resolved, info)) return Path.Combine([RealFolder(resolved.FullName), .. parts]);
            if (info.Parent is null) return Path.Combine([info.FullName, .. parts]);
            parts.Push(info.Name);
            info = info.Parent;
        }
        return folder;
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "directory",
        FileKind.Fifo => "FIFO",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "special file",
    };
}

internal enum FileKind { Missing, Regular, Directory, SymbolicLink, Fifo, CharacterDevice, BlockDevice, Socket, Other }

/// <summary>lstat's file type. Linux reads it with statx (whose layout is the same on every architecture);
/// elsewhere .NET's attributes tell regular files, folders and links apart.</summary>
internal static partial class UnixFileKind
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* statxBuffer);

    public static unsafe FileKind Of(string path, bool followLinks)
    {
        if (OperatingSystem.IsLinux())
        {
            byte* buffer = stackalloc byte[256];
            if (Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer) != 0)
                return FileKind.Missing;
            ushort mode = *(ushort*)(buffer + 28); // struct statx: stx_mode at offset 28
            return (mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.SymbolicLink,
                0x1000 => FileKind.Fifo,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0xC000 => FileKind.Socket,
                _ => FileKind.Other,
            };
        }
        var info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path) && info.LinkTarget is null) return FileKind.Missing;
        if (info.LinkTarget is not null && !followLinks) return FileKind.SymbolicLink;
        return info.Attributes.HasFlag(FileAttributes.Directory) ? FileKind.Directory : FileKind.Regular;
    }
}
