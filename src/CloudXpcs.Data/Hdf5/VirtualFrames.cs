using System.Buffers;
using CloudXpcs.Data.Inputs;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>
/// The frames of a virtual dataset (a detector's master file, or a contract chunk, whose /entry/data/data maps
/// frames of data files): each mapping's source is a regular file of the same folder (or the file itself), checked by
/// name before it is opened, and read through <see cref="ChunkFileReader"/> like any frames file, so its own storage
/// is confined and checked the same way (a source that is itself virtual or linked elsewhere is refused: one level).
/// Every pixel of every frame must be mapped exactly once: HDF5 would fill unmapped pixels (and missing sources) with
/// the fill value, which is not measured data.
/// </summary>
internal sealed class VirtualFrames : IDisposable
{
    private const int MaxOpenSources = 16;
    private const long MaxPieces = 1L << 26;

    private readonly string _path;
    private readonly string _datasetPath;
    private readonly Source[] _sources;
    private readonly Piece[] _pieces;
    private readonly int[] _firstPiece; // CSR: pieces of frame f are _pieces[_firstPiece[f] .. _firstPiece[f + 1])
    private readonly int _rows, _cols;
    private readonly LinkedList<ChunkFileReader> _open = new();

    /// <summary>A source dataset and how its selection lands in a virtual frame: row pairs and runs of columns.</summary>
    private sealed record Source(string Path, string Name, string Dataset, int Rows, int Cols, (int Virtual, int Source)[] RowPairs, (int Virtual, int Source, int Length)[] ColRuns, bool WholeFrame);

    private readonly record struct Piece(int Source, int SourceFrame);

    private VirtualFrames(string path, string datasetPath, Source[] sources, Piece[] pieces, int[] firstPiece, int rows, int cols)
    {
        (_path, _datasetPath, _sources, _pieces, _firstPiece, _rows, _cols) = (path, datasetPath, sources, pieces, firstPiece, rows, cols);
    }

    /// <summary>The names of the source files (other than the file itself), in mapping order, each once.</summary>
    public IReadOnlyList<string> SourceFiles => _sources.Where(s => s.Path != _path).Select(s => System.IO.Path.GetFileName(s.Path)).Distinct().ToList();

    public static VirtualFrames Open(string path, string datasetPath, NativeDataset dataset, FrameDType dtype, ulong[] dims)
    {
        var mappings = VirtualDatasetLayout.Read(dataset, path, datasetPath);
        int frames = (int)dims[0], rows = (int)dims[1], cols = (int)dims[2];
        var sources = new List<Source>();
        var perFrame = new List<(int Frame, Piece Piece)>();
        foreach (var mapping in mappings)
        {
            string sourcePath = ResolveSource(path, datasetPath, mapping.SourceFile);
            if (mapping.SourceDataset.Contains('%'))
                throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source dataset name {mapping.SourceDataset} uses printf-style substitution, which is not supported");
            int sourceRows, sourceCols;
            long sourceFrames;
            using (var reader = OpenSource(path, datasetPath, sourcePath, mapping.SourceDataset))
            {
                if (reader.DType != dtype)
                    throw new DataContractException(path, $"{datasetPath} is a virtual dataset of {dtype.Name()} whose source {mapping.SourceFile} holds {reader.DType.Name()}; the types must be the same");
                (sourceFrames, sourceRows, sourceCols) = (reader.FrameCount, reader.Rows, reader.Cols);
            }
            var target = mapping.Virtual.Resolve(dims);
            var source = mapping.Source.Resolve([(ulong)sourceFrames, (ulong)sourceRows, (ulong)sourceCols]);
            if (target.Length != 3 || source.Length != 3)
                throw new DataContractException(path, $"{datasetPath} is a virtual dataset mapping {source.Length}-dimensional selections of {mapping.SourceFile}; only frames x rows x cols are read");
            for (int d = 0; d < 3; d++)
            {
                if (target[d].End > (long)dims[d] || source[d].End > (d == 0 ? sourceFrames : d == 1 ? sourceRows : sourceCols))
                    throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose mapping of {mapping.SourceFile} selects beyond the dataset's extent");
                if (target[d].Count != source[d].Count)
                    throw new DataContractException(path, $"{datasetPath} is a virtual dataset mapping selections of different shapes ({mapping.SourceFile}: {Shape(source)} onto {Shape(target)}); only selections of the same shape are read");
            }
            var rowPairs = target[1].Indices().Zip(source[1].Indices(), (v, s) => ((int)v, (int)s)).ToArray();
            var colRuns = Runs(target[2], source[2]);
            bool whole = rowPairs.Length == rows && sourceRows == rows && sourceCols == cols && rowPairs.All(p => p.Item1 == p.Item2)
                && colRuns.Length == 1 && colRuns[0] == (0, 0, cols);
            int index = sources.Count;
            sources.Add(new Source(sourcePath, mapping.SourceFile, mapping.SourceDataset, sourceRows, sourceCols, rowPairs, colRuns, whole));
            if (perFrame.Count + target[0].Count > MaxPieces)
                throw new DataContractException(path, $"{datasetPath} is a virtual dataset with more than {MaxPieces} frame mappings");
            foreach (var (v, s) in target[0].Indices().Zip(source[0].Indices()))
                perFrame.Add(((int)v, new Piece(index, (int)s)));
        }
        var counts = new int[frames + 1];
        foreach (var (frame, _) in perFrame) counts[frame + 1]++;
        for (int f = 0; f < frames; f++) counts[f + 1] += counts[f];
        var pieces = new Piece[perFrame.Count];
        var fill = counts[..frames];
        foreach (var (frame, piece) in perFrame) pieces[fill[frame]++] = piece;
        var result = new VirtualFrames(path, datasetPath, sources.ToArray(), pieces, counts, rows, cols);
        result.CheckEveryPixelMappedOnce(frames);
        return result;
    }

    /// <summary>
    /// The file a mapping names, when it is the file itself (".") or a regular file of the same folder; refused by name,
    /// before anything is opened, otherwise. HDF5 would also look in HDF5_VDS_PREFIX and the working directory.
    /// </summary>
    private static string ResolveSource(string path, string datasetPath, string name)
    {
        if (name == ".") return path;
        if (name.Contains('%'))
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {name} uses printf-style substitution (%b, %%), which is not supported");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        string file = System.IO.Path.GetFileName(name);
        string? dir = System.IO.Path.GetDirectoryName(name);
        bool sameFolder = string.IsNullOrEmpty(dir) || string.Equals(System.IO.Path.GetFullPath(dir, folder), folder, StringComparison.Ordinal);
        if (!sameFolder || file.Length == 0 || file is "." or ".." || name.Contains('\0'))
            throw Outside(path, datasetPath, name);
        string resolved = System.IO.Path.Combine(folder, file);
        var kind = UnixFileKind.Of(resolved, followLinks: false);
        if (kind == FileKind.Missing)
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {name} is missing from the series folder (upload it with the master file)");
        try
        {
            InputFile.RequireRegularFile(resolved);
        }
        catch (DataContractException ex)
        {
            throw kind == FileKind.SymbolicLink ? Outside(path, datasetPath, name, ex) : new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {name} is not a regular file of the series folder ({ex.Problem})", ex);
        }
        return resolved;
    }

    private static DataContractException Outside(string path, string datasetPath, string name, Exception? inner = null) =>
        new(path, $"{datasetPath} is a virtual dataset whose source {name} is outside the series folder", inner);

    private static ChunkFileReader OpenSource(string path, string datasetPath, string sourcePath, string sourceDataset)
    {
        if (!sourceDataset.StartsWith('/')) sourceDataset = "/" + sourceDataset;
        string name = sourcePath == path ? "." : System.IO.Path.GetFileName(sourcePath);
        try
        {
            // A source reached through an external link (to anywhere) is a second level: refused, the link read from its message alone.
            bool linked;
            using (var file = ContractHdf5.OpenRead(sourcePath)) linked = !Hdf5Links.StoresDatasetHere(file, sourcePath, sourceDataset);
            if (linked) throw new DataContractException(sourcePath, $"{sourceDataset} is an external link or not found");
            return ChunkFileReader.OpenVirtualSource(sourcePath, sourceDataset);
        }
        catch (DataContractException ex) when (ex.Problem.Contains("is a virtual dataset") || ex.Problem.Contains("external link"))
        {
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {name} is itself a virtual dataset or a link ({ex.Problem}); one level is read", ex);
        }
        catch (DataContractException ex)
        {
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose source {name} cannot be read: {ex.Problem}", ex);
        }
    }

    private static string Shape(IndexSet[] sets) => "(" + string.Join(", ", sets.Select(s => s.Count)) + ")";

    /// <summary>Runs of columns that are consecutive in both selections.</summary>
    private static (int, int, int)[] Runs(IndexSet target, IndexSet source)
    {
        var runs = new List<(int V, int S, int L)>();
        int ti = 0, si = 0;
        long tOff = 0, sOff = 0;
        while (ti < target.Intervals.Count && si < source.Intervals.Count)
        {
            var (ts, tl) = target.Intervals[ti];
            var (ss, sl) = source.Intervals[si];
            long length = Math.Min(tl - tOff, sl - sOff);
            runs.Add(((int)(ts + tOff), (int)(ss + sOff), (int)length));
            tOff += length; sOff += length;
            if (tOff == tl) { ti++; tOff = 0; }
            if (sOff == sl) { si++; sOff = 0; }
        }
        return runs.ToArray();
    }

    private void CheckEveryPixelMappedOnce(int frames)
    {
        long pixels = (long)_rows * _cols;
        var footprints = _sources.Select(s => (Rows: s.RowPairs.Select(p => p.Virtual).ToHashSet(), Cols: s.ColRuns)).ToArray();
        var area = _sources.Select(s => s.RowPairs.Length * s.ColRuns.Sum(r => (long)r.Length)).ToArray();
        var overlaps = new Dictionary<(int, int), bool>();
        for (int f = 0; f < frames; f++)
        {
            long mapped = 0;
            for (int p = _firstPiece[f]; p < _firstPiece[f + 1]; p++)
            {
                var source = _sources[_pieces[p].Source];
                mapped += area[_pieces[p].Source];
                for (int q = _firstPiece[f]; q < p; q++)
                    if (overlaps.TryGetValue((_pieces[p].Source, _pieces[q].Source), out bool known) ? known
                        : overlaps[(_pieces[p].Source, _pieces[q].Source)] = Overlap(footprints[_pieces[p].Source], footprints[_pieces[q].Source]))
                        throw new DataContractException(_path, $"{_datasetPath} is a virtual dataset that maps frame {f} from two overlapping sources ({source.Name}, {_sources[_pieces[q].Source].Name})");
            }
            if (mapped != pixels)
                throw new DataContractException(_path, $"{_datasetPath} is a virtual dataset that maps no data to {pixels - mapped} of the {pixels} pixels of frame {f}; unmapped pixels would read as fill values, not measured data");
        }
    }

    private static bool Overlap((HashSet<int> Rows, (int Virtual, int Source, int Length)[] Cols) a, (HashSet<int> Rows, (int Virtual, int Source, int Length)[] Cols) b) =>
        a.Rows.Overlaps(b.Rows) && a.Cols.Any(x => b.Cols.Any(y => x.Virtual < y.Virtual + y.Length && y.Virtual < x.Virtual + x.Length));

    /// <summary>Frames [<paramref name="first"/>, +<paramref name="count"/>) in the dataset's own element type, row-major.</summary>
    public void Read<TFile>(int first, int count, Span<TFile> destination) where TFile : unmanaged
    {
        int pixels = _rows * _cols;
        int f = first;
        while (f < first + count)
        {
            var piece = _pieces[_firstPiece[f]];
            var source = _sources[piece.Source];
            if (source.WholeFrame && _firstPiece[f + 1] - _firstPiece[f] == 1)
            {
                // Consecutive frames of one source: one read straight into the destination.
                int n = 1;
                while (f + n < first + count && _firstPiece[f + n + 1] - _firstPiece[f + n] == 1
                       && _pieces[_firstPiece[f + n]] == piece with { SourceFrame = piece.SourceFrame + n }) n++;
                Reader(source).ReadStored(piece.SourceFrame, n, destination.Slice((f - first) * pixels, n * pixels));
                f += n;
                continue;
            }
            var frame = destination.Slice((f - first) * pixels, pixels);
            for (int p = _firstPiece[f]; p < _firstPiece[f + 1]; p++)
            {
                var part = _pieces[p];
                var from = _sources[part.Source];
                var scratch = ArrayPool<TFile>.Shared.Rent(from.Rows * from.Cols);
                try
                {
                    var values = scratch.AsSpan(0, from.Rows * from.Cols);
                    Reader(from).ReadStored(part.SourceFrame, 1, values);
                    foreach (var (vr, sr) in from.RowPairs)
                        foreach (var (vc, sc, length) in from.ColRuns)
                            values.Slice(sr * from.Cols + sc, length).CopyTo(frame.Slice(vr * _cols + vc, length));
                }
                finally
                {
                    ArrayPool<TFile>.Shared.Return(scratch);
                }
            }
            f++;
        }
    }

    private ChunkFileReader Reader(Source source)
    {
        for (var node = _open.First; node is not null; node = node.Next)
        {
            if (node.Value.Path != source.Path || node.Value.DatasetPath != Normalized(source.Dataset)) continue;
            _open.Remove(node);
            _open.AddFirst(node);
            return node.Value;
        }
        var reader = OpenSource(_path, _datasetPath, source.Path, source.Dataset);
        if (reader.Rows != source.Rows || reader.Cols != source.Cols)
        {
            reader.Dispose();
            throw new DataContractException(source.Path, "changed while the virtual dataset was being read");
        }
        _open.AddFirst(reader);
        if (_open.Count > MaxOpenSources)
        {
            _open.Last!.Value.Dispose();
            _open.RemoveLast();
        }
        return reader;
    }

    private static string Normalized(string dataset) => dataset.StartsWith('/') ? dataset : "/" + dataset;

    public void Dispose()
    {
        foreach (var reader in _open) reader.Dispose();
        _open.Clear();
    }
}
