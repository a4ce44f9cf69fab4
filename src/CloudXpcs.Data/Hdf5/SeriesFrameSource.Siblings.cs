namespace CloudXpcs.Data.Hdf5;

public sealed partial class SeriesFrameSource
{
    /// <summary>
    /// Another reader of the same series, checked once by <see cref="Open"/>: it opens its own chunk files (each is
    /// checked again on opening, as for this reader), so that another thread can read frames at the same time.
    /// </summary>
    public SeriesFrameSource OpenSibling() => new(Folder, Manifest, _chunks, PixelType);
}
