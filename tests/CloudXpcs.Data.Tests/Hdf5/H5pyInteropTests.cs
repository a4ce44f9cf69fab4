using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>Chunk files written by h5py (the reference HDF5 library) are read by C#, and C#'s chunk files by h5py.</summary>
public class H5pyInteropTests
{
    /// <summary>
    /// Writes chunk files of a series with h5py: the same values as <see cref="TestSeries.Value"/>, split as
    /// <see cref="CloudXpcs.Data.Manifests.SeriesManifest.EvenChunkFrames"/> does.
    /// argv: folder numpy_dtype layout frames chunks rows cols max_value
    /// </summary>
    internal const string WriteChunksScript = """
        import sys, os
        import numpy as np, h5py
        folder, dtype, layout = sys.argv[1], sys.argv[2], sys.argv[3]
        frames, chunks, rows, cols = (int(a) for a in sys.argv[4:8])
        max_value = int(sys.argv[8])
        is_float = np.dtype(dtype).kind == 'f'
        def value(f, p):
            h = ((f * 131 + p * 71 + 1) * 2654435761) & (2**64 - 1)
            v = h % (max_value + 1)
            return v + 0.5 if is_float else v
        for k in range(chunks):
            first = frames * k // chunks
            count = frames * (k + 1) // chunks - first
            data = np.array([[value(first + f, p) for p in range(rows * cols)] for f in range(count)], dtype=dtype).reshape(count, rows, cols)
            options = {
                'contiguous': {},
                'chunked': {'chunks': (1, rows, cols)},
                'gzip': {'chunks': (2, rows, 3), 'compression': 'gzip', 'compression_opts': 4},
                'shuffle_gzip': {'chunks': (3, 2, cols), 'compression': 'gzip', 'shuffle': True},
                'lzf': {'chunks': (1, rows, cols), 'compression': 'lzf'},
            }[layout]
            with h5py.File(os.path.join(folder, 'chunk-%05d.h5' % k), 'w') as f:
                d = f.create_dataset('entry/data/data', data=data, **options)
                d.attrs['first_frame'] = np.int64(first)
        """;

    public static TheoryData<FrameDType, string, string> H5pyDTypesAndLayouts()
    {
        var data = new TheoryData<FrameDType, string, string>();
        var numpyNames = new Dictionary<FrameDType, string>
        {
            [FrameDType.UInt8] = "<u1", [FrameDType.Int8] = "<i1", [FrameDType.UInt16] = "<u2", [FrameDType.Int16] = "<i2",
            [FrameDType.UInt32] = "<u4", [FrameDType.Int32] = "<i4", [FrameDType.Float32] = "<f4",
        };
        foreach (var (dtype, numpy) in numpyNames)
            foreach (var layout in new[] { "contiguous", "chunked", "gzip", "shuffle_gzip" }) data.Add(dtype, numpy, layout);
        return data;
    }

    /// <summary>
    /// Big-endian files are legal HDF5, but PureHDF 2.2 cannot convert byte order. Detectors write little-endian;
    /// a big-endian chunk is refused when the series is opened (before any frame is delivered), naming the file.
    /// </summary>
    [SkippableTheory]
    [InlineData(">u2", "contiguous")]
    [InlineData(">i4", "gzip")]
    [InlineData(">f4", "chunked")]
    public void BigEndianChunksAreRefusedWhenTheSeriesIsOpened(string numpyDType, string layout)
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 4, chunks: 2, rows: 3, cols: 3);
        manifest.Save(folder.File(CloudXpcs.Data.Manifests.SeriesManifest.FileName));
        PythonH5py.Run(WriteChunksScript, folder.Path, numpyDType, layout, "4", "2", "3", "3", "1000");
        var ex = ContractAssert.Throws(folder.File("chunk-00000.h5"), () => SeriesFrameSource.Open(folder.Path).Dispose(), "not a readable HDF5 file: cannot read pixel data");
        Assert.Contains("byte order", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableTheory]
    [MemberData(nameof(H5pyDTypesAndLayouts))]
    public void ChunksWrittenByH5pyAreReadExactly(FrameDType dtype, string numpyDType, string layout)
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5);
        manifest.Save(folder.File(CloudXpcs.Data.Manifests.SeriesManifest.FileName));
        PythonH5py.Run(WriteChunksScript, folder.Path, numpyDType, layout, "11", "3", "6", "5", ((ulong)TestSeries.MaxValue(dtype)).ToString());
        TestSeries.AssertFolderHoldsTestValues(folder.Path, dtype, batchFrames: 4);
    }

    /// <summary>LZF is an h5py filter PureHDF 2.2 does not decode itself; CloudXpcs registers its own decoder (the beamline's result files use it).</summary>
    [SkippableFact]
    public void LzfCompressedChunksAreReadExactly()
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5);
        manifest.Save(folder.File(CloudXpcs.Data.Manifests.SeriesManifest.FileName));
        PythonH5py.Run(WriteChunksScript, folder.Path, "<u2", "lzf", "11", "3", "6", "5", ((ulong)TestSeries.MaxValue(FrameDType.UInt16)).ToString());
        TestSeries.AssertFolderHoldsTestValues(folder.Path, FrameDType.UInt16, batchFrames: 4);
    }

    /// <summary>argv: chunk file; prints dtype, shape, chunks, compression, shuffle, first_frame and the sum of the data.</summary>
    private const string DescribeChunkScript = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], 'r') as f:
            d = f['entry/data/data']
            data = d[...]
            print(d.dtype.str, d.shape, d.chunks, d.compression, d.shuffle, int(d.attrs['first_frame']), repr(float(data.astype(np.float64).sum())), sep=';')
        """;

    [SkippableTheory]
    [InlineData(FrameDType.UInt16, ChunkStorageLayout.Contiguous, "<u2", "None", "None", "False")]
    [InlineData(FrameDType.Int32, ChunkStorageLayout.Chunked, "<i4", "(1, 6, 5)", "None", "False")]
    [InlineData(FrameDType.UInt8, ChunkStorageLayout.Deflate, "|u1", "(1, 6, 5)", "gzip", "False")]
    [InlineData(FrameDType.Float32, ChunkStorageLayout.ShuffleDeflate, "<f4", "(1, 6, 5)", "gzip", "True")]
    public void ChunksWrittenByCSharpAreReadByH5py(FrameDType dtype, ChunkStorageLayout layout, string numpyDType, string chunks, string compression, string shuffle)
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5);
        TestSeries.WriteFolder(folder.Path, manifest, dtype, layout);
        var (first, count) = manifest.EvenChunkFrames(2);
        double expectedSum = TestSeries.Frames(dtype, first, count, 30).Sum();
        string line = PythonH5py.Run(DescribeChunkScript, folder.File("chunk-00002.h5")).Trim();
        string[] fields = line.Split(';');
        Assert.Equal([numpyDType, $"({count}, 6, 5)", chunks, compression, shuffle, first.ToString()], fields[..6]);
        Assert.Equal(expectedSum, double.Parse(fields[6], System.Globalization.CultureInfo.InvariantCulture));
    }
}
