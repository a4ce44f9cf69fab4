using System.Buffers.Binary;
using System.Collections;
using System.Reflection;
using System.Text;
using PureHDF.VOL.Native;

namespace CloudXpcs.Data.Hdf5;

/// <summary>One mapping of a virtual dataset: the selection of a source dataset that fills a selection of the virtual one.</summary>
internal sealed record VirtualMapping(string SourceFile, string SourceDataset, VirtualSelection Source, VirtualSelection Virtual);

/// <summary>
/// A dataspace selection of a virtual-dataset mapping as a product of per-dimension index sets (what h5py's
/// VirtualLayout slicing and MultiBlockSlice write: regular hyperslabs, also when HDF5 stores them as a block list);
/// null <see cref="Dimensions"/> = the whole dataspace (H5S_SEL_ALL). Elements pair up in row-major order, so two
/// selections of equal per-dimension sizes map index k of one dimension to index k of the other.
/// </summary>
internal sealed record VirtualSelection(IndexSet[]? Dimensions)
{
    public IndexSet[] Resolve(ulong[] dims) => Dimensions ?? dims.Select(d => new IndexSet([(0L, (long)d)])).ToArray();
}

/// <summary>Sorted, disjoint, non-adjacent intervals (start, length) of one dimension.</summary>
internal sealed record IndexSet(IReadOnlyList<(long Start, long Length)> Intervals)
{
    public long Count => Intervals.Sum(i => i.Length);
    public long End => Intervals.Count == 0 ? 0 : Intervals[^1].Start + Intervals[^1].Length;

    /// <summary>The indices in order (for a frame dimension or a row dimension; never for huge sets).</summary>
    public IEnumerable<long> Indices()
    {
        foreach (var (start, length) in Intervals)
            for (long i = 0; i < length; i++) yield return start + i;
    }

    public static IndexSet Of(IEnumerable<(long Start, long Length)> intervals)
    {
        var merged = new List<(long, long)>();
        foreach (var (s, l) in intervals.Where(i => i.Length > 0).OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && merged[^1].Item1 + merged[^1].Item2 >= s)
            {
                var (ps, pl) = merged[^1];
                merged[^1] = (ps, Math.Max(pl, s + l - ps));
            }
            else merged.Add((s, l));
        }
        return new IndexSet(merged);
    }
}

/// <summary>
/// Reads the mapping list of a virtual dataset (HDF5 file format, "Virtual Dataset Global Heap Block"). PureHDF 2.2
/// reads virtual datasets itself, but opens any source file it finds (absolute paths, HDF5_VDS_PREFIX, the working
/// directory), fills missing sources and unmapped regions with the fill value and shares one chunk cache among all
/// sources; CloudXpcs therefore reads only the mapping through PureHDF and the sources itself (<see cref="VirtualFrames"/>).
/// </summary>
internal static class VirtualDatasetLayout
{
    // PureHDF 2.2 internals that hold the block's bytes; the virtual-dataset tests fail if an upgrade renames them.
    private static readonly Assembly PureHdf = typeof(NativeDataset).Assembly;
    private static readonly PropertyInfo LayoutMessage = Member(typeof(NativeDataset).GetProperty("InternalDataLayout", BindingFlags.NonPublic | BindingFlags.Instance), "NativeDataset.InternalDataLayout");
    private static readonly PropertyInfo Context = Member(typeof(NativeObject).GetProperty("Context", BindingFlags.NonPublic | BindingFlags.Instance), "NativeObject.Context");
    private static readonly MethodInfo GlobalHeap = Member(PureHdf.GetType("PureHDF.VOL.Native.NativeCache")?.GetMethod("GetGlobalHeapObject", BindingFlags.Public | BindingFlags.Static), "NativeCache.GetGlobalHeapObject");

    private static T Member<T>(T? member, string name) where T : class =>
        member ?? throw new InvalidOperationException($"PureHDF: {name} not found; the virtual dataset reader needs updating");

    private const int MaxGridCells = 1 << 24;

    public static IReadOnlyList<VirtualMapping> Read(NativeDataset dataset, string path, string datasetPath)
    {
        byte[] block;
        int lengthsSize;
        try
        {
            var layout = LayoutMessage.GetValue(dataset)!;
            var properties = layout.GetType().GetProperty("Properties")!.GetValue(layout)!;
            ulong address = (ulong)properties.GetType().GetProperty("Address")!.GetValue(properties)!;
            uint index = (uint)properties.GetType().GetProperty("Index")!.GetValue(properties)!;
            var context = Context.GetValue(dataset)!;
            var superblock = context.GetType().GetProperty("Superblock")!.GetValue(context)!;
            lengthsSize = (byte)superblock.GetType().GetProperty("LengthsSize")!.GetValue(superblock)!;
            var collection = GlobalHeap.Invoke(null, [context, address, false])!;
            var objects = (IDictionary)collection.GetType().GetProperty("GlobalHeapObjects")!.GetValue(collection)!;
            var heapObject = objects[(int)index] ?? throw new InvalidDataException($"global heap object {index} not found");
            block = (byte[])heapObject.GetType().GetProperty("ObjectData")!.GetValue(heapObject)!;
        }
        catch (Exception ex) when (ex is not DataContractException)
        {
            var inner = ex is TargetInvocationException { InnerException: { } e } ? e : ex;
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose mapping cannot be read: {ErrorText.Describe(inner)}", inner);
        }
        try
        {
            return Decode(block, lengthsSize);
        }
        catch (NotSupportedException ex)
        {
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new DataContractException(path, $"{datasetPath} is a virtual dataset whose mapping is damaged or not supported: {ErrorText.OneLine(ex.Message)}", ex);
        }
    }

    private static List<VirtualMapping> Decode(byte[] block, int lengthsSize)
    {
        var reader = new BlockReader(block);
        if (reader.Byte() != 0) throw new InvalidDataException("unknown mapping block version");
        ulong count = reader.Unsigned(lengthsSize);
        if (count == 0 || count > (ulong)block.Length) throw new InvalidDataException($"{count} mappings");
        var mappings = new List<VirtualMapping>((int)count);
        for (ulong i = 0; i < count; i++)
        {
            string file = reader.String(), dataset = reader.String();
            // HDF5 substitutes %b (the master's name) and %d (a block number of a growing dataset) in these names.
            if (file.Contains('%') || dataset.Contains('%'))
                throw new NotSupportedException($"source {(file.Contains('%') ? file : dataset)} uses printf-style substitution (%b, %d, %%), which is not supported");
            var source = Selection(ref reader);
            var target = Selection(ref reader);
            mappings.Add(new VirtualMapping(file, dataset, source, target));
        }
        return mappings;
    }

    private static VirtualSelection Selection(ref BlockReader reader)
    {
        uint type = reader.UInt32();
        switch (type)
        {
            case 3: // H5S_SEL_ALL
                reader.UInt32();
                reader.Skip(8);
                return new VirtualSelection(null);
            case 2: // H5S_SEL_HYPER
                uint version = reader.UInt32();
                int rank, size;
                bool regular;
                switch (version)
                {
                    case 1: reader.Skip(8); rank = (int)reader.UInt32(); size = 4; regular = false; break;
                    case 2: reader.Skip(5); rank = (int)reader.UInt32(); size = 8; regular = true; break;
                    case 3:
                        regular = (reader.Byte() & 1) == 1;
                        size = reader.Byte();
                        rank = (int)reader.UInt32();
                        break;
                    default: throw new InvalidDataException($"hyperslab selection version {version}");
                }
                if (rank is < 1 or > 32 || size is not (2 or 4 or 8)) throw new InvalidDataException($"hyperslab of rank {rank}");
                return regular ? Regular(ref reader, rank, size) : Blocks(ref reader, rank, size);
            case 0: throw new InvalidDataException("an empty selection (H5S_SEL_NONE)");
            case 1: throw new InvalidDataException("a point selection (only hyperslabs are read)");
            default: throw new InvalidDataException($"selection type {type}");
        }
    }

    private static VirtualSelection Regular(ref BlockReader reader, int rank, int size)
    {
        var dims = new IndexSet[rank];
        ulong unlimited = size == 8 ? ulong.MaxValue : size == 4 ? uint.MaxValue : ushort.MaxValue;
        for (int d = 0; d < rank; d++)
        {
            ulong start = reader.Unsigned(size), stride = reader.Unsigned(size), count = reader.Unsigned(size), block = reader.Unsigned(size);
            if (count == unlimited || block == unlimited) throw new InvalidDataException("an unlimited selection (a growing virtual dataset)");
            if (count == 0 || block == 0 || (count > 1 && stride < block) || start > long.MaxValue / 2 || count > int.MaxValue || block > long.MaxValue / 2)
                throw new InvalidDataException($"hyperslab start {start}, stride {stride}, count {count}, block {block}");
            if ((double)start + (double)(count - 1) * stride + block > long.MaxValue / 2) throw new InvalidDataException("hyperslab beyond 2^62");
            var intervals = new (long, long)[count];
            for (ulong k = 0; k < count; k++) intervals[k] = ((long)(start + k * stride), (long)block);
            dims[d] = IndexSet.Of(intervals);
        }
        return new VirtualSelection(dims);
    }

    /// <summary>A block list (how HDF5 1.10 stores most hyperslabs): accepted when the union of the blocks is a product of per-dimension sets.</summary>
    private static VirtualSelection Blocks(ref BlockReader reader, int rank, int size)
    {
        ulong n = reader.Unsigned(size);
        if (n == 0 || n > (ulong)reader.Remaining / (ulong)(2 * rank * size)) throw new InvalidDataException($"{n} hyperslab blocks");
        var starts = new long[n, rank];
        var ends = new long[n, rank];
        for (ulong b = 0; b < n; b++)
        {
            for (int d = 0; d < rank; d++) starts[b, d] = checked((long)reader.Unsigned(size));
            for (int d = 0; d < rank; d++) ends[b, d] = checked((long)reader.Unsigned(size));
            for (int d = 0; d < rank; d++)
                if (ends[b, d] < starts[b, d]) throw new InvalidDataException("a hyperslab block that ends before it starts");
        }
        // Elementary intervals per dimension (cut at every block edge); the union is a product when every cell of the
        // grid of those intervals is covered by a block.
        var cuts = new long[rank][];
        var dims = new IndexSet[rank];
        var cellIndex = new Dictionary<long, int>[rank];
        long cells = 1;
        for (int d = 0; d < rank; d++)
        {
            var points = new SortedSet<long>();
            for (ulong b = 0; b < n; b++) { points.Add(starts[b, d]); points.Add(ends[b, d] + 1); }
            cuts[d] = points.ToArray();
            dims[d] = IndexSet.Of(Enumerable.Range(0, (int)n).Select(b => (starts[b, d], ends[b, d] + 1 - starts[b, d])));
            cellIndex[d] = [];
            int union = 0;
            for (int k = 0; k + 1 < cuts[d].Length; k++)
            {
                while (union < dims[d].Intervals.Count && dims[d].Intervals[union].Start + dims[d].Intervals[union].Length <= cuts[d][k]) union++;
                if (union < dims[d].Intervals.Count && dims[d].Intervals[union].Start <= cuts[d][k]) cellIndex[d][cuts[d][k]] = cellIndex[d].Count;
            }
            cells = checked(cells * cellIndex[d].Count);
            if (cells > MaxGridCells) throw new InvalidDataException($"a block list too irregular to check ({n} blocks)");
        }
        var shape = Enumerable.Range(0, rank).Select(d => cellIndex[d].Count).ToArray();
        var grid = new BitArray((int)shape.Aggregate(1L, (a, b) => a * b));
        var blockCells = new (int From, int To)[n][];
        long visits = 0;
        for (ulong b = 0; b < n; b++)
        {
            var ranges = blockCells[b] = new (int From, int To)[rank];
            long cellCount = 1;
            for (int d = 0; d < rank; d++)
            {
                ranges[d] = (cellIndex[d][starts[b, d]], cellIndex[d][LastCellStart(cuts[d], ends[b, d])]);
                cellCount *= ranges[d].To - ranges[d].From + 1;
            }
            // Blocks of a stored hyperslab are disjoint; heavily overlapping ones would only cost time here.
            if ((visits += cellCount) > grid.Length) throw new InvalidDataException("a block list whose blocks overlap");
        }
        foreach (var ranges in blockCells) Mark(grid, shape, ranges, 0, 0);
        if (!grid.Cast<bool>().All(c => c)) throw new InvalidDataException("a block list whose union is not a regular hyperslab");
        return new VirtualSelection(dims);
    }

    private static long LastCellStart(long[] cuts, long end)
    {
        int k = Array.BinarySearch(cuts, end + 1);
        return cuts[k - 1];
    }

    private static void Mark(BitArray grid, int[] shape, (int From, int To)[] ranges, int d, long offset)
    {
        for (int k = ranges[d].From; k <= ranges[d].To; k++)
        {
            long at = offset * shape[d] + k;
            if (d == shape.Length - 1) grid[(int)at] = true;
            else Mark(grid, shape, ranges, d + 1, at);
        }
    }

    private ref struct BlockReader(byte[] bytes)
    {
        private int _at;

        public int Remaining => bytes.Length - _at;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > Remaining) throw new InvalidDataException("mapping block ends early");
            var span = bytes.AsSpan(_at, n);
            _at += n;
            return span;
        }

        public byte Byte() => Take(1)[0];
        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public void Skip(int n) => Take(n);

        public ulong Unsigned(int size) => size switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(Take(4)),
            8 => BinaryPrimitives.ReadUInt64LittleEndian(Take(8)),
            _ => throw new InvalidDataException($"field size {size}"),
        };

        public string String()
        {
            int end = Array.IndexOf(bytes, (byte)0, _at);
            if (end < 0) throw new InvalidDataException("unterminated name");
            string s = Encoding.UTF8.GetString(bytes, _at, end - _at);
            _at = end + 1;
            return s;
        }
    }
}
