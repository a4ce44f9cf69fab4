using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// One open chunk-NNNNN.h5 file: dataset /entry/data/data of shape (frames_in_chunk, rows, cols) with an integer
/// attribute first_frame. Opening checks the header; <see cref="ReadFrames{TPixel}"/> reads a frame range into a
/// caller-supplied buffer and rejects negative or non-finite pixels, naming the file and the frame.
/// </summary>
public sealed class ChunkFileReader : IDisposable
{
    private readonly NativeFile _file;
    private readonly NativeDataset _dataset;
    private readonly StoredDataCheck _stored;
    private readonly ContiguousFrameBlock? _block;
    private readonly VirtualFrames? _virtual;

    private ChunkFileReader(string path, string datasetPath, NativeFile file, NativeDataset dataset, StoredDataCheck stored, FrameDType dtype, int frameCount, int rows, int cols, long firstFrame, H5DataLayoutClass layout, ContiguousFrameBlock? block, VirtualFrames? virtualFrames = null)
    {
        _block = block;
        _virtual = virtualFrames;
        Path = path;
        DatasetPath = datasetPath;
        _file = file;
        _dataset = dataset;
        _stored = stored;
        DType = dtype;
        FrameCount = frameCount;
        Rows = rows;
        Cols = cols;
        FirstFrame = firstFrame;
        Layout = layout;
    }

    public string Path { get; }
    public string DatasetPath { get; }
    public FrameDType DType { get; }
    public int FrameCount { get; }
    public int Rows { get; }
    public int Cols { get; }
    public int PixelsPerFrame => Rows * Cols;
    /// <summary>Value of the first_frame attribute: index of the chunk's first frame in the series.</summary>
    public long FirstFrame { get; }
    public H5DataLayoutClass Layout { get; }
    /// <summary>For a virtual dataset, the other files of the folder its frames come from (see <see cref="VirtualFrames"/>); else empty.</summary>
    public IReadOnlyList<string> VirtualSourceFiles => _virtual?.SourceFiles ?? [];

    /// <param name="checkHeader">Called with the header before any pixel data is read or decompressed, so that a file
    /// whose declared shape does not match the series (e.g. a tiny deflated "bomb" declaring huge frames) is rejected
    /// before anything of that size is allocated; throws <see cref="DataContractException"/> to reject.</param>
    public static ChunkFileReader Open(string path, Action<ChunkHeader>? checkHeader = null) =>
        Open(path, ContractHdf5.FramesDatasetPath, requireFirstFrame: true, checkHeader);

    /// <summary>Opens the frames of a detector's own HDF5 file (e.g. an Eiger data file): dataset
    /// <paramref name="datasetPath"/> of shape (frames, rows, cols), no first_frame attribute (<see cref="FirstFrame"/> is 0).</summary>
    public static ChunkFileReader OpenDetectorFile(string path, string datasetPath, Action<ChunkHeader>? checkHeader = null) =>
        Open(path, datasetPath, requireFirstFrame: false, checkHeader);

    /// <summary>A virtual dataset's source: frames stored in the file itself (no further virtual dataset, one level).</summary>
    internal static ChunkFileReader OpenVirtualSource(string path, string datasetPath) =>
        Open(path, datasetPath, requireFirstFrame: false, checkHeader: null, allowVirtual: false);

    private static ChunkFileReader Open(string path, string datasetPath, bool requireFirstFrame, Action<ChunkHeader>? checkHeader, bool allowVirtual = true)
    {
        var file = ContractHdf5.OpenRead(path);
        VirtualFrames? virtualFrames = null;
        try
        {
            // An external link to a file of the same folder is followed once: the frames are read there, with the same checks.
            if (allowVirtual && Hdf5Links.ExternalLinkOn(file, path, datasetPath) is { } link)
            {
                file.Dispose();
                try
                {
                    return Open(link.File, link.Object, requireFirstFrame, checkHeader, allowVirtual: false);
                }
                catch (DataContractException e) when (e.Source != path)
                {
                    // Named from the file that was given, with the link's target and its problem.
                    throw new DataContractException(path, $"{datasetPath} is an external link to {System.IO.Path.GetFileName(link.File)}{link.Object}, which cannot be read: {e.Message}", e);
                }
            }
            var dataset = ContractHdf5.RequireDataset(file, path, datasetPath, allowVirtual);
            var (dtype, dims, layout) = ContractHdf5.Guard(path, () => (ReadDType(path, dataset), dataset.Space.Dimensions, dataset.Layout.Class));
            if (dims.Length != 3)
                throw new DataContractException(path, $"{datasetPath} has shape {ContractHdf5.Shape(dims)}, expected 3 dimensions (frames, rows, cols)");
            if (dims[0] == 0) throw new DataContractException(path, $"{datasetPath} holds no frames");
            if (dims[0] > int.MaxValue || dims[1] == 0 || dims[2] == 0 || dims[1] > int.MaxValue || dims[2] > int.MaxValue || dims[1] * dims[2] > int.MaxValue)
                throw new DataContractException(path, $"{datasetPath} has an unusable shape {ContractHdf5.Shape(dims)}");
            long firstFrame = requireFirstFrame ? ReadFirstFrame(path, dataset) : 0;
            checkHeader?.Invoke(new ChunkHeader((int)dims[0], (int)dims[1], (int)dims[2], firstFrame));
            var stored = new StoredDataCheck(Hdf5Confinement.GuardOf(file)!, path, datasetPath);
            if (layout == H5DataLayoutClass.VirtualStorage)
            {
                virtualFrames = VirtualFrames.Open(path, datasetPath, dataset, dtype, dims);
                return new ChunkFileReader(path, datasetPath, file, dataset, stored, dtype, (int)dims[0], (int)dims[1], (int)dims[2], firstFrame, layout, null, virtualFrames);
            }
            ProbePixelData(path, datasetPath, dataset, dtype, stored, layout, dims[0]);
            var block = ContiguousFrameBlock.Locate(file, dataset, dtype, (long)(dims[0] * dims[1] * dims[2]), stored.FileLength);
            return new ChunkFileReader(path, datasetPath, file, dataset, stored, dtype, (int)dims[0], (int)dims[1], (int)dims[2], firstFrame, layout, block);
        }
        catch
        {
            virtualFrames?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the first pixel of the first and the last frame, so that data PureHDF cannot decode (e.g. big-endian
    /// types, which PureHDF 2.2 does not convert, or an unknown filter) and frames the file declares but does not
    /// store are reported when the series is opened, not in the middle of a correlation.
    /// </summary>
    private static void ProbePixelData(string path, string datasetPath, NativeDataset dataset, FrameDType dtype, StoredDataCheck stored, H5DataLayoutClass layout, ulong frames)
    {
        try
        {
            foreach (ulong frame in (ulong[])(frames > 1 ? [0UL, frames - 1] : [0UL]))
            {
                var pixel = new HyperslabSelection(3, [frame, 0, 0], [1, 1, 1]);
                long before = stored.DatasetReads;
                switch (dtype.ByteSize())
                {
                    case 1: dataset.Read<byte>(stored.Access, new byte[1], fileSelection: pixel); break;
                    case 2: dataset.Read<ushort>(stored.Access, new ushort[1], fileSelection: pixel); break;
                    default:
                        if (dtype == FrameDType.Float32) dataset.Read<float>(stored.Access, new float[1], fileSelection: pixel);
                        else dataset.Read<uint>(stored.Access, new uint[1], fileSelection: pixel);
                        break;
                }
                if (layout == H5DataLayoutClass.Contiguous) stored.AfterContiguousRead(before);
            }
        }
        catch (Exception ex) when (ex is not DataContractException)
        {
            throw new DataContractException(path, $"not a readable HDF5 file: cannot read pixel data of {datasetPath}: {ErrorText.Describe(ex)}", ex);
        }
    }

    private static FrameDType ReadDType(string path, NativeDataset dataset) =>
        FrameDTypes.FromHdf5(dataset.Type, out string description)
        ?? throw new DataContractException(path, $"{ContractHdf5.FramesDatasetPath} has unsupported dtype {description} (supported: uint8, int8, uint16, int16, uint32, int32, float32)");

    private static long ReadFirstFrame(string path, NativeDataset dataset) => ContractHdf5.Guard(path, () =>
    {
        if (!dataset.AttributeExists(ContractHdf5.FirstFrameAttribute))
            throw new DataContractException(path, $"{ContractHdf5.FramesDatasetPath} has no '{ContractHdf5.FirstFrameAttribute}' attribute");
        var attribute = dataset.Attribute(ContractHdf5.FirstFrameAttribute);
        ulong elements = attribute.Space.Dimensions.Aggregate(1UL, (a, b) => a * b);
        if (attribute.Type.Class != H5DataTypeClass.FixedPoint || elements != 1)
            throw new DataContractException(path, $"attribute '{ContractHdf5.FirstFrameAttribute}' must be one integer (got {attribute.Type.Class}, {elements} elements)");
        bool signed = attribute.Type.FixedPoint.IsSigned;
        long value = (attribute.Type.Size, signed) switch
        {
            (1, false) => attribute.Read<byte>(),
            (1, true) => attribute.Read<sbyte>(),
            (2, false) => attribute.Read<ushort>(),
            (2, true) => attribute.Read<short>(),
            (4, false) => attribute.Read<uint>(),
            (4, true) => attribute.Read<int>(),
            (8, false) => checked((long)attribute.Read<ulong>()),
            (8, true) => attribute.Read<long>(),
            _ => throw new DataContractException(path, $"attribute '{ContractHdf5.FirstFrameAttribute}' has an unsupported integer size of {attribute.Type.Size} bytes"),
        };
        if (value < 0) throw new DataContractException(path, $"attribute '{ContractHdf5.FirstFrameAttribute}' is negative ({value})");
        return value;
    });

    /// <summary>
    /// Reads frames [<paramref name="firstFrameInChunk"/>, +<paramref name="frameCount"/>) of this chunk into
    /// <paramref name="destination"/> (frameCount × rows × cols, row-major), converting to <typeparamref name="TPixel"/>
    /// (<see cref="ushort"/>, <see cref="uint"/> or <see cref="float"/>). Integer data whose element size matches is
    /// read in place, without a conversion pass.
    /// </summary>
    public void ReadFrames<TPixel>(int firstFrameInChunk, int frameCount, Span<TPixel> destination)
        where TPixel : unmanaged, INumber<TPixel>
    {
        if (firstFrameInChunk < 0 || frameCount < 0 || firstFrameInChunk + frameCount > FrameCount)
            throw new ArgumentOutOfRangeException(nameof(frameCount), $"frames {firstFrameInChunk}..{firstFrameInChunk + frameCount} outside 0..{FrameCount}");
        int values = checked(frameCount * PixelsPerFrame);
        if (destination.Length < values) throw new ArgumentException($"destination holds {destination.Length} values, {values} needed", nameof(destination));
        if (!CanHold(typeof(TPixel), DType))
            throw new ArgumentException($"{typeof(TPixel).Name} cannot hold {DType.Name()} pixels; use {DType.PixelType()} or wider", nameof(destination));
        var target = destination[..values];
        switch (DType)
        {
            case FrameDType.UInt8: Read<byte, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.Int8: Read<sbyte, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.UInt16: Read<ushort, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.Int16: Read<short, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.UInt32: Read<uint, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.Int32: Read<int, TPixel>(firstFrameInChunk, frameCount, target); break;
            case FrameDType.Float32: Read<float, TPixel>(firstFrameInChunk, frameCount, target); break;
            default: throw new InvalidOperationException($"unhandled dtype {DType}");
        }
    }

    private static bool CanHold(Type pixel, FrameDType dtype) => dtype.PixelType() switch
    {
        FramePixelType.UInt16 => pixel == typeof(ushort) || pixel == typeof(uint) || pixel == typeof(float),
        FramePixelType.UInt32 => pixel == typeof(uint) || pixel == typeof(float),
        _ => pixel == typeof(float),
    };

    private void Read<TFile, TPixel>(int firstFrameInChunk, int frameCount, Span<TPixel> target)
        where TFile : unmanaged, INumber<TFile>
        where TPixel : unmanaged, INumber<TPixel>
    {
        // Same element size and both integer (or both float): the file values are the batch values bit for bit
        // once they are known to be non-negative, so PureHDF reads straight into the caller's buffer.
        bool inPlace = Unsafe.SizeOf<TFile>() == Unsafe.SizeOf<TPixel>() && (typeof(TFile) == typeof(float)) == (typeof(TPixel) == typeof(float));
        if (inPlace)
        {
            var fileView = MemoryMarshal.Cast<TPixel, TFile>(target);
            ReadHyperslab(firstFrameInChunk, frameCount, fileView);
            CheckValues<TFile>(firstFrameInChunk, fileView);
            return;
        }
        var scratch = ArrayPool<TFile>.Shared.Rent(target.Length);
        try
        {
            var fileValues = scratch.AsSpan(0, target.Length);
            ReadHyperslab(firstFrameInChunk, frameCount, fileValues);
            CheckValues<TFile>(firstFrameInChunk, fileValues);
            for (int i = 0; i < fileValues.Length; i++) target[i] = TPixel.CreateTruncating(fileValues[i]);
        }
        finally
        {
            ArrayPool<TFile>.Shared.Return(scratch);
        }
    }

    /// <summary>Frames in the file's own element type, unchecked values (a virtual dataset's reader checks them once, for the whole frame).</summary>
    internal void ReadStored<TFile>(int firstFrameInChunk, int frameCount, Span<TFile> buffer) where TFile : unmanaged
    {
        if (firstFrameInChunk < 0 || frameCount < 0 || firstFrameInChunk + frameCount > FrameCount || buffer.Length != frameCount * PixelsPerFrame)
            throw new DataContractException(Path, $"frames {firstFrameInChunk}..{firstFrameInChunk + frameCount - 1} of {DatasetPath} asked for, the dataset holds {FrameCount}");
        ReadHyperslab(firstFrameInChunk, frameCount, buffer);
    }

    private void ReadHyperslab<TFile>(int firstFrameInChunk, int frameCount, Span<TFile> buffer) where TFile : unmanaged
    {
        if (_virtual is not null)
        {
            _virtual.Read(firstFrameInChunk, frameCount, buffer);
            return;
        }
        var selection = new HyperslabSelection(3, [(ulong)firstFrameInChunk, 0, 0], [(ulong)frameCount, (ulong)Rows, (ulong)Cols]);
        try
        {
            long before = _stored.DatasetReads;
            _dataset.Read<TFile>(_stored.Access, buffer, fileSelection: selection);
            if (Layout == H5DataLayoutClass.Contiguous && buffer.Length > 0) _stored.AfterContiguousRead(before);
        }
        catch (Exception ex) when (ex is not DataContractException)
        {
            throw new DataContractException(Path,
                $"not a readable HDF5 file: cannot read frames {firstFrameInChunk}..{firstFrameInChunk + frameCount - 1} of {DatasetPath}: {ErrorText.Describe(ex)}", ex);
        }
    }

    /// <summary>
    /// Largest float pixel value accepted: that of a uint32 detector. Beyond it the counts are no photon counts, and values
    /// near float32's limit overflow the binned frames of the multi-tau levels to infinity (g2 silently NaN).
    /// </summary>
    public const float MaxFloatCount = 4294967295f;

    /// <summary>Pixels must be finite and non-negative (counts) and float counts at most <see cref="MaxFloatCount"/>; the first offender is reported with its frame and pixel.</summary>
    private void CheckValues<TFile>(int firstFrameInChunk, ReadOnlySpan<TFile> values) where TFile : unmanaged, INumber<TFile>
    {
        bool unsigned = typeof(TFile) == typeof(byte) || typeof(TFile) == typeof(ushort) || typeof(TFile) == typeof(uint);
        if (unsigned) return;
        for (int i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (TFile.IsFinite(v) && v >= TFile.Zero && (typeof(TFile) != typeof(float) || float.CreateTruncating(v) <= MaxFloatCount)) continue;
            int frameInChunk = firstFrameInChunk + i / PixelsPerFrame;
            int pixel = i % PixelsPerFrame;
            string what = !TFile.IsFinite(v) ? "not finite" : v < TFile.Zero ? "negative" : $"above {MaxFloatCount:R} (no photon count)";
            string shown = TFile.IsNaN(v) ? "NaN" : TFile.IsPositiveInfinity(v) ? "+inf" : TFile.IsNegativeInfinity(v) ? "-inf"
                : v.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
            throw new DataContractException(Path,
                $"frame {FirstFrame + frameInChunk} (frame {frameInChunk} of this chunk) has a {what} pixel value {shown} at row {pixel / Cols}, col {pixel % Cols}; pixel values must be finite and non-negative");
        }
    }

    /// <summary>Whether the frames pass through an HDF5 filter (compression) on reading.</summary>
    public bool IsCompressed => ContiguousFrameBlock.HasFilters(_dataset);

    /// <summary>Whether the frames are one uncompressed contiguous block in this file, which <see cref="MapFrames"/> maps.</summary>
    public bool IsMappable => _block is not null && _stored.FileHandle is not null;

    /// <summary>
    /// All frames of the file mapped into memory, in the file's dtype (<see cref="IsMappable"/> must hold): the same
    /// values <see cref="ReadFrames{TPixel}"/> delivers for unsigned dtypes, without reading them through PureHDF.
    /// The mapping holds its own reference to the file and outlives this reader.
    /// </summary>
    public MappedFrameBlock MapFrames()
    {
        if (_block is null || _stored.FileHandle is not { } handle) throw new InvalidOperationException($"{Path}: {DatasetPath} is not an uncompressed contiguous block");
        return new MappedFrameBlock(handle, Path, _block, FrameCount, PixelsPerFrame, DType.ByteSize());
    }

    public void Dispose()
    {
        _virtual?.Dispose();
        _file.Dispose();
    }
}

/// <summary>What a chunk file declares in its header: frames in the chunk, frame shape and first_frame.</summary>
public sealed record ChunkHeader(int FrameCount, int Rows, int Cols, long FirstFrame);
