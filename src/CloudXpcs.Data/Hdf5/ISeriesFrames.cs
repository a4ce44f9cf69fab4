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
    public static ISeriesFrames Open(string seriesFolder, SeriesManifestLimits? limits = null)
    {
        if (!Directory.Exists(seriesFolder)) throw new DataContractException(seriesFolder, "series folder not found");
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        if (!File.Exists(manifestPath)) throw new DataContractException(seriesFolder, $"incomplete series: {SeriesManifest.FileName} is missing");
        var manifest = SeriesManifest.Load(manifestPath, limits);
        return manifest.Raw switch
        {
            null => SeriesFrameSource.Open(seriesFolder, limits),
            { Format: SeriesRawFiles.Hdf5 } => DetectorHdf5FrameSource.Open(seriesFolder, manifest),
            // The sparse photon-counting formats have their own readers, wired in here.
            { } raw => throw new DataContractException(Path.Combine(seriesFolder, raw.Files[0]), $"format '{raw.Format}' is not supported by this build"),
        };
    }
}
