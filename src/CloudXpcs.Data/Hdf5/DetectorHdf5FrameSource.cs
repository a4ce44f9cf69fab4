using System.Numerics;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of a series kept as the area detector wrote them (Eiger, Lambda): series.json "raw" with format hdf5
/// names the files in frame order; each file that stores the frames dataset (default /entry/data/data, shape
/// frames × rows × cols, any chunking and a supported compression filter) contributes its frames. A master file
/// whose data are links to the listed data files contributes none: the data files are read directly, so no link
/// is followed. A master whose dataset is virtual contributes its frames (read from its listed data files, which
/// then contribute none; see <see cref="VirtualFrames"/>). Every header is checked against series.json before a pixel is read.
/// </summary>
public sealed class DetectorHdf5FrameSource : ISeriesFrames
{
    private readonly ChunkFileInfo[] _parts;
    private ChunkFileReader? _open;

    private DetectorHdf5FrameSource(string folder, SeriesManifest manifest, ChunkFileInfo[] parts, FramePixelType pixelType)
    {
        Folder = folder;
        Manifest = manifest;
        _parts = parts;
        PixelType = pixelType;
    }

    public string Folder { get; }
    public SeriesManifest Manifest { get; }
    /// <summary>The files holding frames, in order (FirstFrame = the series index of each file's first frame).</summary>
    public IReadOnlyList<ChunkFileInfo> Parts => _parts;
    public FramePixelType PixelType { get; }
    public int Frames => Manifest.Frames;
    public int PixelsPerFrame => Manifest.PixelsPerFrame;

    public static DetectorHdf5FrameSource Open(string seriesFolder, SeriesManifest manifest)
    {
        var raw = manifest.Raw ?? throw new ArgumentException("series.json names no raw files", nameof(manifest));
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        var missing = raw.Files.Where(f => !File.Exists(Path.Combine(seriesFolder, f))).ToList();
        if (missing.Count > 0)
            throw new DataContractException(seriesFolder, $"incomplete series: missing raw file{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? ", ..." : "")} ({SeriesManifest.FileName} names {raw.Files.Count})");
        var storing = raw.Files.Where(name => StoresDataset(Path.Combine(seriesFolder, name), raw.Dataset)).ToList();
        var virtualSources = VirtualDatasetSources.Of(seriesFolder, raw.Files, storing, raw.Dataset);
        var parts = new List<ChunkFileInfo>();
        var pixelType = FramePixelType.UInt16;
        long frames = 0;
        foreach (var name in storing)
        {
            string path = Path.Combine(seriesFolder, name);
            // A virtual master's data files are read through it.
            if (virtualSources.Contains(name)) continue;
            long first = frames;
            using var reader = ChunkFileReader.OpenDetectorFile(path, raw.Dataset, header =>
            {
                if (header.Rows != manifest.Rows || header.Cols != manifest.Cols)
                    throw new DataContractException(path, $"frames are {header.Rows} x {header.Cols} pixels, {SeriesManifest.FileName} declares {manifest.Rows} x {manifest.Cols}");
                if (first + header.FrameCount > manifest.Frames)
                    throw new DataContractException(path, $"frame count mismatch: the files up to this one hold {first + header.FrameCount} frames, {SeriesManifest.FileName} declares {manifest.Frames}");
            });
            parts.Add(new ChunkFileInfo(parts.Count, path, reader.DType, (int)first, reader.FrameCount));
            pixelType = FrameDTypes.Widest(pixelType, reader.DType.PixelType());
            frames += reader.FrameCount;
        }
        if (parts.Count == 0)
            throw new DataContractException(manifestPath, $"none of the raw files stores {raw.Dataset} (a master file alone: list its data files too)");
        if (frames != manifest.Frames)
            throw new DataContractException(manifestPath, $"frame count mismatch: the raw files hold {frames} frames, {SeriesManifest.FileName} declares {manifest.Frames}");
        return new DetectorHdf5FrameSource(seriesFolder, manifest, parts.ToArray(), pixelType);
    }

    /// <summary>Whether <paramref name="path"/> stores the frames dataset itself; a master file's links to data files do not count.</summary>
    private static bool StoresDataset(string path, string datasetPath)
    {
        using var file = ContractHdf5.OpenRead(path);
        return Hdf5Links.StoresDatasetHere(file, path, datasetPath);
    }

    public byte[]? ReadMask() => SeriesFrames.ReadMask(Folder, Manifest);

    public void ReadFrames<TPixel>(int firstFrame, int frameCount, Span<TPixel> destination) where TPixel : unmanaged, INumber<TPixel> =>
        FramesAcrossFiles.Read(_parts, Frames, PixelsPerFrame, firstFrame, frameCount, destination, ReaderFor);

    private ChunkFileReader ReaderFor(ChunkFileInfo part)
    {
        if (_open is not null && _open.Path == part.Path) return _open;
        _open?.Dispose();
        _open = null;
        var reader = ChunkFileReader.OpenDetectorFile(part.Path, Manifest.Raw!.Dataset);
        if (reader.FrameCount != part.FrameCount || reader.DType != part.DType || reader.Rows != Manifest.Rows || reader.Cols != Manifest.Cols)
        {
            reader.Dispose();
            throw new DataContractException(part.Path, "raw file changed while the series was being read");
        }
        return _open = reader;
    }

    public void Dispose()
    {
        _open?.Dispose();
        _open = null;
    }
}

/// <summary>The data files that the virtual-dataset masters among a series' raw files read their frames from.</summary>
internal static class VirtualDatasetSources
{
    /// <summary>Names of the files read through a virtual master of <paramref name="storing"/>; each must be one of
    /// <paramref name="listed"/>, so that the upload (which waits for the listed files) includes it.</summary>
    public static HashSet<string> Of(string seriesFolder, IReadOnlyList<string> listed, IEnumerable<string> storing, string datasetPath)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in storing)
        {
            string path = Path.Combine(seriesFolder, name);
            if (!IsVirtual(path, datasetPath)) continue;
            using var reader = ChunkFileReader.OpenDetectorFile(path, datasetPath);
            foreach (var source in reader.VirtualSourceFiles)
            {
                if (!listed.Contains(source))
                    throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {source} is not listed in {SeriesManifest.FileName}'s raw files (the upload waits only for listed files)");
                sources.Add(source);
            }
        }
        return sources;
    }

    private static bool IsVirtual(string path, string datasetPath)
    {
        using var file = ContractHdf5.OpenRead(path);
        var dataset = ContractHdf5.RequireDataset(file, path, datasetPath, allowVirtual: true);
        return dataset.Layout.Class == PureHDF.H5DataLayoutClass.VirtualStorage;
    }
}

/// <summary>The files of one detector acquisition in frame order, as series.json's "raw" lists them.</summary>
public sealed record DetectorHdf5Acquisition(IReadOnlyList<string> Files, int Frames, int Rows, int Cols)
{
    /// <summary>
    /// The acquisition of <paramref name="path"/>: a file storing <paramref name="datasetPath"/> itself, or a master
    /// file whose <c>/entry/data</c> links to data files of the same folder (listed after it, in link-name order).
    /// </summary>
    public static DetectorHdf5Acquisition Of(string path, string datasetPath = SeriesRawFiles.DefaultDataset)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var files = new List<string> { Path.GetFileName(path) };
        var dataFiles = new List<string>();
        using (var file = ContractHdf5.OpenRead(path))
        {
            if (Hdf5Links.StoresDatasetHere(file, path, datasetPath)) dataFiles.Add(path);
            else
            {
                string group = datasetPath[..datasetPath.LastIndexOf('/')];
                foreach (var link in Hdf5Links.ExternalLinksIn(file, path, group.Length == 0 ? "/" : group))
                {
                    if (!files.Contains(link.File)) files.Add(link.File);
                    dataFiles.Add(Path.Combine(folder, link.File));
                }
            }
        }
        if (dataFiles.Count == 0)
            throw new DataContractException(path, $"stores no {datasetPath} and links to no data file");
        int frames = 0, rows = 0, cols = 0;
        foreach (var dataFile in dataFiles.Distinct())
        {
            using var reader = ChunkFileReader.OpenDetectorFile(dataFile, datasetPath);
            // A virtual master: its data files belong to the series (uploaded and waited for with it), read through it.
            foreach (var source in reader.VirtualSourceFiles)
                if (!files.Contains(source)) files.Add(source);
            if (rows != 0 && (reader.Rows != rows || reader.Cols != cols))
                throw new DataContractException(dataFile, $"frames are {reader.Rows} x {reader.Cols} pixels, the first data file's {rows} x {cols}");
            (rows, cols) = (reader.Rows, reader.Cols);
            frames = checked(frames + reader.FrameCount);
        }
        return new DetectorHdf5Acquisition(files, frames, rows, cols);
    }
}
