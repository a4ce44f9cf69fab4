using System.Numerics;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of one series in order, whatever files hold them: contract chunks (<see cref="SeriesFrameSource"/>) or
/// the detector's own files (series.json "raw", e.g. <see cref="DetectorHdf5FrameSource"/>). Not thread-safe.
/// </summary>
public interface ISeriesFrames : IDisposable
{
    SeriesManifest Manifest { get; }
    /// <summary>Element type the frames are delivered in (ushort, uint or float).</summary>
    FramePixelType PixelType { get; }
    int Frames { get; }
    int PixelsPerFrame { get; }

    /// <summary>The detector mask of series.json (non-zero = use), or null when it names none.</summary>
    byte[]? ReadMask();

    /// <summary>Frames [<paramref name="firstFrame"/>, +<paramref name="frameCount"/>) into <paramref name="destination"/>
    /// (frameCount × rows × cols, row-major); <typeparamref name="TPixel"/> must hold <see cref="PixelType"/>.</summary>
    void ReadFrames<TPixel>(int firstFrame, int frameCount, Span<TPixel> destination) where TPixel : unmanaged, INumber<TPixel>;
}

/// <summary>Opens a series folder's frames through the reader of the format series.json names.</summary>
public static class SeriesFrames
{
    /// <summary>The series.json of a series folder, with a clear error when the folder or its manifest is missing.</summary>
    public static SeriesManifest LoadManifest(string seriesFolder, SeriesManifestLimits? limits = null)
    {
        if (!Directory.Exists(seriesFolder)) throw new DataContractException(seriesFolder, "series folder not found");
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        if (!File.Exists(manifestPath)) throw new DataContractException(seriesFolder, $"incomplete series: {SeriesManifest.FileName} is missing");
        return SeriesManifest.Load(manifestPath, limits);
    }

    /// <summary>Whether the series' frames come as photon events (Rigaku, IMM: <see cref="Detectors.SparseDetectorSource"/>) rather than dense frames.</summary>
    public static bool IsPhotonEventSeries(SeriesManifest manifest) => manifest.Raw is { Format: not SeriesRawFiles.Hdf5 };

    /// <summary>Dense frames: contract chunks or a detector HDF5 file. Photon-event series are opened with <see cref="Detectors.SparseDetectorSource"/>.</summary>
    public static ISeriesFrames Open(string seriesFolder, SeriesManifestLimits? limits = null)
    {
        var manifest = LoadManifest(seriesFolder, limits);
        return manifest.Raw switch
        {
            null => SeriesFrameSource.Open(seriesFolder, limits),
            { Format: SeriesRawFiles.Hdf5 } => DetectorHdf5FrameSource.Open(seriesFolder, manifest),
            { } raw => throw new DataContractException(Path.Combine(seriesFolder, raw.Files[0]),
                $"format '{raw.Format}' holds photon events, not dense frames (correlated by its event path)"),
        };
    }

    /// <summary>The photon events of a series whose series.json names a Rigaku or IMM file.</summary>
    public static Detectors.SparseDetectorSource OpenEvents(string seriesFolder, SeriesManifest manifest)
    {
        var raw = manifest.Raw ?? throw new ArgumentException("the series names no detector files", nameof(manifest));
        var paths = raw.Files.Select(f => Path.Combine(seriesFolder, f)).ToList();
        foreach (string path in paths) Inputs.InputFile.RequireRegularFile(path);
        return Detectors.SparseDetectorSource.Open(raw.Format, paths);
    }

    /// <summary>The mask series.json names (non-zero = use), or null.</summary>
    public static byte[]? ReadMask(string seriesFolder, SeriesManifest manifest) => manifest.MaskPath is null ? null
        : DetectorMaskFile.Read(Path.Combine(seriesFolder, manifest.MaskPath.Replace('/', Path.DirectorySeparatorChar)), manifest.Rows, manifest.Cols);
}
