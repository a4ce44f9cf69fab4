using System.Reflection;
using System.Runtime.CompilerServices;
using CloudXpcs.Data.Inputs;
using PureHDF;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// Keeps an HDF5 input inside its upload: the data of a dataset must come from the file itself or from a regular
/// file of the same folder. Refused: external raw storage (an external file list, which can name any path such as
/// /proc/self/environ), virtual datasets unless the caller reads them through <see cref="VirtualFrames"/> (which
/// checks every source), links that resolve into a file outside the folder, and link chains so deep or cyclic that
/// following them would exhaust the stack.
/// </summary>
internal static class Hdf5Confinement
{
    // PureHDF 2.2 keeps the external file list and the owning file of an object internal; the Hdf5 bad-input tests
    // (external storage, external link out of the folder) fail if an upgrade renames them.
    private static readonly PropertyInfo ExternalFileList = typeof(NativeDataset).GetProperty("InternalExternalFileList", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("PureHDF: NativeDataset.InternalExternalFileList not found; the HDF5 confinement check needs updating");
    private static readonly PropertyInfo Context = typeof(NativeObject).GetProperty("Context", BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new InvalidOperationException("PureHDF: NativeObject.Context not found; the HDF5 confinement check needs updating");

    /// <summary>Opens <paramref name="path"/> (a regular file, checked first) through a stream that stops runaway link recursion.</summary>
    public static NativeFile OpenRead(string path)
    {
        InputFile.RequireRegularFile(path);
        var stream = new StackGuardedStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess));
        try
        {
            var file = H5File.Open(stream, leaveOpen: false);
            Guards.AddOrUpdate(file, stream);
            return file;
        }
        catch (Exception ex) when (ex is not DataContractException)
        {
            stream.Dispose();
            if (stream.Tripped) throw RecursionError(path);
            throw ContractHdf5.NotReadable(path, ex);
        }
    }

    /// <summary>Resolves a link path with the recursion guard armed; a tripped guard becomes a contract error.</summary>
    public static T Resolve<T>(NativeFile file, string path, Func<T> resolve)
    {
        try
        {
            var result = resolve();
            if (GuardOf(file)?.Tripped == true) throw RecursionError(path);
            return result;
        }
        catch (Exception) when (GuardOf(file)?.Tripped == true)
        {
            throw RecursionError(path);
        }
    }

    /// <summary>Refuses a dataset whose data would be read from anywhere but <paramref name="path"/> or a regular file beside it.</summary>
    /// <param name="allowVirtual">Whether a virtual dataset is read (through <see cref="VirtualFrames"/>, which confines its sources).</param>
    public static void CheckStorage(NativeFile file, NativeDataset dataset, string path, string datasetPath, bool allowVirtual = false)
    {
        if (ExternalFileList.GetValue(dataset) is not null)
            throw new DataContractException(path, $"{datasetPath} uses HDF5 external raw storage (data kept in other files); the data must be stored in the file itself");
        if (dataset.Layout.Class == H5DataLayoutClass.VirtualStorage && !allowVirtual)
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset; the data must be stored in the file itself");
        var owner = OwnerOf(dataset);
        if (owner is not null && !ReferenceEquals(owner, file))
        {
            string target = owner.Path ?? "(unnamed)";
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            if (!string.Equals(Path.GetDirectoryName(Path.GetFullPath(target)), folder, StringComparison.Ordinal))
                throw new DataContractException(path, $"{datasetPath} is an external link to {target}, outside the series folder");
            InputFile.RequireRegularFile(target);
            if (ExternalFileList.GetValue(dataset) is not null || dataset.Layout.Class == H5DataLayoutClass.VirtualStorage)
                throw new DataContractException(path, $"{datasetPath} links to {target}, whose data is not stored in that file");
        }
    }

    private static NativeFile? OwnerOf(NativeObject obj)
    {
        var context = Context.GetValue(obj);
        return context?.GetType().GetProperty("File")?.GetValue(context) as NativeFile;
    }

    public static StackGuardedStream? GuardOf(NativeFile file) => Guards.TryGetValue(file, out var guard) ? guard : null;

    // The stream under a NativeFile is reachable only through PureHDF internals; a side table keeps the guard instead.
    private static readonly ConditionalWeakTable<NativeFile, StackGuardedStream> Guards = new();

    private static DataContractException RecursionError(string path) =>
        new(path, "HDF5 links nest too deep or form a cycle; links must resolve within the file in a few steps");
}

/// <summary>
/// A read-only stream that refuses to read when the thread's stack is nearly exhausted. PureHDF follows soft links by
/// recursion and reads a header at each step, so a link cycle ends here with an exception instead of a stack overflow
/// (which .NET cannot catch and which would take the whole host down).
/// </summary>
internal sealed class StackGuardedStream(Stream inner) : Stream, IDatasetStream
{
    public bool Tripped { get; private set; }

    public Microsoft.Win32.SafeHandles.SafeFileHandle? FileHandle => (inner as FileStream)?.SafeFileHandle;

    /// <summary>Reads of raw dataset bytes (PureHDF routes them through <see cref="ReadDataset"/>), see <see cref="StoredDataCheck"/>.</summary>
    public long DatasetReads { get; private set; }

    public void ReadDataset(Span<byte> buffer)
    {
        DatasetReads++;
        inner.ReadExactly(buffer);
    }

    private void Check()
    {
        if (RuntimeHelpers.TryEnsureSufficientExecutionStack()) return;
        Tripped = true;
        throw new InvalidDataException("HDF5 link recursion too deep");
    }

    public override int Read(byte[] buffer, int offset, int count) { Check(); return inner.Read(buffer, offset, count); }
    public override int Read(Span<byte> buffer) { Check(); return inner.Read(buffer); }
    public override int ReadByte() { Check(); return inner.ReadByte(); }
    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
