using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using CloudXpcs.Data.Manifests;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of one complete series folder, in order. <see cref="Open"/> reads series.json, checks that chunks
/// 0 .. chunks−1 are all present (and no others), and checks every chunk's header against the manifest (shape,
/// dtype, first_frame, frame counts) before any pixel is read. Frames are then read chunk file by chunk file, so
/// memory stays O(batch × pixels). Not thread-safe: one reader per thread.
/// </summary>
public sealed partial class SeriesFrameSource : ISeriesFrames
{
    public const int DefaultBatchFrames = 64;

    private readonly ChunkFileInfo[] _chunks;
    private ChunkFileReader? _open;

    private SeriesFrameSource(string folder, SeriesManifest manifest, ChunkFileInfo[] chunks, FramePixelType pixelType)
    {
        Folder = folder;
        Manifest = manifest;
        _chunks = chunks;
        PixelType = pixelType;
    }

    public string Folder { get; }
    public SeriesManifest Manifest { get; }
    public IReadOnlyList<ChunkFileInfo> Chunks => _chunks;
    /// <summary>Element type the frames are delivered in: the widest needed by any chunk (<see cref="FrameDTypes.PixelType"/>).</summary>
    public FramePixelType PixelType { get; }
    public int Frames => Manifest.Frames;
    public int PixelsPerFrame => Manifest.PixelsPerFrame;

    [GeneratedRegex(@"^chunk-(\d+)\.h5$", RegexOptions.CultureInvariant)]
    private static partial Regex ChunkNamePattern();

    public static SeriesFrameSource Open(string seriesFolder, SeriesManifestLimits? limits = null)
    {
        if (!Directory.Exists(seriesFolder)) throw new DataContractException(seriesFolder, "series folder not found");
        string manifestPath = Path.Combine(seriesFolder, SeriesManifest.FileName);
        if (!File.Exists(manifestPath)) throw new DataContractException(seriesFolder, $"incomplete series: {SeriesManifest.FileName} is missing");
        var manifest = SeriesManifest.Load(manifestPath, limits);
        if (manifest.Raw is not null) throw new DataContractException(manifestPath, $"names the detector's own files ('{SeriesRawFiles.Key}'), not contract chunks; read it through {nameof(SeriesFrames)}.{nameof(SeriesFrames.Open)}");
        var chunkPaths = FindChunkFiles(seriesFolder, manifest.Chunks);
        var chunks = new ChunkFileInfo[manifest.Chunks];
        var pixelType = FramePixelType.UInt16;
        long expectedFirstFrame = 0;
        for (int k = 0; k < chunks.Length; k++)
        {
            string path = chunkPaths[k];
            // Checked from the header, before the reader touches (decompresses) any pixel data.
            using var reader = ChunkFileReader.Open(path, header =>
            {
                if (header.Rows != manifest.Rows || header.Cols != manifest.Cols)
                    throw new DataContractException(path, $"frames are {header.Rows} x {header.Cols} pixels, {SeriesManifest.FileName} declares {manifest.Rows} x {manifest.Cols}");
                if (header.FirstFrame != expectedFirstFrame)
                    throw new DataContractException(path, k == 0
                        ? $"first_frame is {header.FirstFrame}, expected 0 for chunk 0"
                        : $"first_frame is {header.FirstFrame}, expected {expectedFirstFrame} (chunks 0..{k - 1} hold {expectedFirstFrame} frames)");
                if (expectedFirstFrame + header.FrameCount > manifest.Frames)
                    throw new DataContractException(path, $"frame count mismatch: chunk holds frames {expectedFirstFrame}..{expectedFirstFrame + header.FrameCount - 1}, but {SeriesManifest.FileName} declares {manifest.Frames} frames");
            });
            chunks[k] = new ChunkFileInfo(k, path, reader.DType, (int)reader.FirstFrame, reader.FrameCount);
            pixelType = FrameDTypes.Widest(pixelType, reader.DType.PixelType());
            expectedFirstFrame += reader.FrameCount;
        }
        if (expectedFirstFrame != manifest.Frames)
            throw new DataContractException(seriesFolder, $"frame count mismatch: chunks 0..{manifest.Chunks - 1} hold {expectedFirstFrame} frames, {SeriesManifest.FileName} declares {manifest.Frames}");
        return new SeriesFrameSource(seriesFolder, manifest, chunks, pixelType);
    }

    /// <summary>Paths of chunks 0 .. chunks−1; a contract error names any missing, extra or oddly named chunk files.</summary>
    private static string[] FindChunkFiles(string folder, int chunks)
    {
        var paths = new string?[chunks];
        var extra = new List<long>();
        foreach (var path in Directory.EnumerateFiles(folder, "chunk-*"))
        {
            string name = Path.GetFileName(path);
            var match = ChunkNamePattern().Match(name);
            if (!match.Success) continue; // e.g. a temporary file of an upload in progress
            if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long index) || index > int.MaxValue)
                throw new DataContractException(path, "chunk index is out of range");
            if (name != SeriesManifest.ChunkFileName((int)index))
                throw new DataContractException(path, $"chunk file name is not canonical (expected {SeriesManifest.ChunkFileName((int)index)})");
            if (index >= chunks) extra.Add(index);
            else paths[index] = path;
        }
        var missing = Enumerable.Range(0, chunks).Where(k => paths[k] is null).Select(k => (long)k).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"missing chunk {IndexRanges(missing)}");
            if (extra.Count > 0) problems.Add($"extra chunk {IndexRanges(extra)} beyond the last index {chunks - 1}");
            throw new DataContractException(folder, $"incomplete series: {string.Join("; ", problems)} ({SeriesManifest.FileName} declares {chunks} chunks)");
        }
        return paths!;
    }

    /// <summary>"2, 5-9, 12" for a set of indices.</summary>
    internal static string IndexRanges(IEnumerable<long> indices)
    {
        var sorted = indices.Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return (sorted.Count == 1 ? "index " : "indices ") + string.Join(", ", parts);
    }

    /// <summary>The detector mask of series.json (non-zero = use), or null when it names none.</summary>
    public byte[]? ReadMask() => SeriesFrames.ReadMask(Folder, Manifest);

    /// <summary>
    /// Reads series frames [<paramref name="firstFrame"/>, +<paramref name="frameCount"/>) into a caller-supplied
    /// buffer (frameCount × rows × cols). <typeparamref name="TPixel"/> must hold <see cref="PixelType"/>
    /// (ushort, uint or float; wider types are accepted). The range may span chunk files.
    /// </summary>
    public void ReadFrames<TPixel>(int firstFrame, int frameCount, Span<TPixel> destination)
        where TPixel : unmanaged, INumber<TPixel> =>
        FramesAcrossFiles.Read(_chunks, Frames, PixelsPerFrame, firstFrame, frameCount, destination, ReaderFor);

    /// <summary>
    /// All frames in order, in batches of at most <paramref name="maxFramesPerBatch"/> frames (the last may be
    /// shorter). One buffer of maxFramesPerBatch × pixels is allocated per enumeration and reused.
    /// </summary>
    public IEnumerable<FrameBatch> ReadBatches(int maxFramesPerBatch = DefaultBatchFrames)
    {
        if (maxFramesPerBatch < 1) throw new ArgumentOutOfRangeException(nameof(maxFramesPerBatch));
        return Enumerate(Math.Min(maxFramesPerBatch, Frames));
    }

    private IEnumerable<FrameBatch> Enumerate(int batchFrames)
    {
        var batch = new FrameBatch(PixelType, PixelsPerFrame, batchFrames);
        try
        {
            for (int first = 0; first < Frames; first += batchFrames)
            {
                int count = Math.Min(batchFrames, Frames - first);
                switch (PixelType)
                {
                    case FramePixelType.UInt16: ReadFrames(first, count, batch.Writable<ushort>()); break;
                    case FramePixelType.UInt32: ReadFrames(first, count, batch.Writable<uint>()); break;
                    default: ReadFrames(first, count, batch.Writable<float>()); break;
                }
                batch.FirstFrame = first;
                batch.FrameCount = count;
                yield return batch;
            }
        }
        finally
        {
            CloseOpenChunk(); // also when the consumer stops early
        }
    }

    private ChunkFileReader ReaderFor(ChunkFileInfo chunk)
    {
        if (_open is not null && _open.Path == chunk.Path) return _open;
        CloseOpenChunk();
        _open = OpenChecked(chunk);
        return _open;
    }

    private ChunkFileReader OpenChecked(ChunkFileInfo chunk)
    {
        var reader = ChunkFileReader.Open(chunk.Path);
        // The file may have been replaced since Open checked it (a re-upload): check again what matters for reading.
        if (reader.FrameCount != chunk.FrameCount || reader.FirstFrame != chunk.FirstFrame || reader.DType != chunk.DType
            || reader.Rows != Manifest.Rows || reader.Cols != Manifest.Cols)
        {
            reader.Dispose();
            throw new DataContractException(chunk.Path, "chunk file changed while the series was being read");
        }
        return reader;
    }

    private void CloseOpenChunk()
    {
        _open?.Dispose();
        _open = null;
    }

    public void Dispose() => CloseOpenChunk();
}

/// <summary>A chunk file of a series as checked by <see cref="SeriesFrameSource.Open"/>.</summary>
public sealed record ChunkFileInfo(int ChunkIndex, string Path, FrameDType DType, int FirstFrame, int FrameCount);
