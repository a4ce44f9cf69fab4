using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>
/// The fast read path (uncompressed contiguous chunks mapped into memory) hands out exactly the frames PureHDF reads,
/// and every other chunk (chunked, compressed, a dtype that needs conversion or a value check) takes the general path.
/// </summary>
public class MappedFrameBlockTests
{
    [SkippableTheory]
    [InlineData("<u2")]
    [InlineData("<u4")]
    public void ContiguousChunksWrittenByH5pyMapToTheFramesPureHdfReads(string numpyDType)
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        var dtype = numpyDType == "<u2" ? FrameDType.UInt16 : FrameDType.UInt32;
        TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5).Save(folder.File(SeriesManifest.FileName));
        PythonH5py.Run(H5pyInteropTests.WriteChunksScript, folder.Path, numpyDType, "contiguous", "11", "3", "6", "5", ((ulong)TestSeries.MaxValue(dtype)).ToString());
        using var source = SeriesFrameSource.Open(folder.Path);
        for (int k = 0; k < source.Chunks.Count; k++)
        {
            var chunk = source.Chunks[k];
            using var block = source.TryMapChunk(k);
            Assert.NotNull(block);
            block.Populate();
            if (dtype == FrameDType.UInt16) AssertSame<ushort>(source, chunk, block);
            else AssertSame<uint>(source, chunk, block);
        }
    }

    private static void AssertSame<T>(SeriesFrameSource source, ChunkFileInfo chunk, MappedFrameBlock block) where T : unmanaged, System.Numerics.INumber<T>
    {
        var read = new T[chunk.FrameCount * source.PixelsPerFrame];
        source.ReadFrames<T>(chunk.FirstFrame, chunk.FrameCount, read);
        Assert.Equal(read, block.Frames<T>(0, chunk.FrameCount).ToArray());
        Assert.Equal(read.AsSpan(source.PixelsPerFrame, source.PixelsPerFrame).ToArray(), block.Frames<T>(1, 1).ToArray());
        for (int i = 0; i < read.Length; i++)
            Assert.Equal(TestSeries.Value(chunk.DType, chunk.FirstFrame + i / source.PixelsPerFrame, i % source.PixelsPerFrame), double.CreateTruncating(read[i]));
    }

    [SkippableTheory]
    [InlineData("<u2", "chunked")]
    [InlineData("<u2", "gzip")]
    [InlineData("<u2", "lzf")]
    [InlineData("<i2", "contiguous")] // signed: every value is checked for being negative
    [InlineData("<f4", "contiguous")] // float: checked for NaN, infinity and negative values
    [InlineData("<u1", "contiguous")] // 8-bit: widened to the series' 16-bit frames
    public void OtherChunksTakeTheGeneralPath(string numpyDType, string layout)
    {
        PythonH5py.SkipIfUnavailable();
        using var folder = new TempFolder();
        TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5).Save(folder.File(SeriesManifest.FileName));
        PythonH5py.Run(H5pyInteropTests.WriteChunksScript, folder.Path, numpyDType, layout, "11", "3", "6", "5", "200");
        using var source = SeriesFrameSource.Open(folder.Path);
        for (int k = 0; k < source.Chunks.Count; k++) Assert.Null(source.TryMapChunk(k));
        Assert.Equal(layout is "gzip" or "lzf", source.AnyChunkCompressed);
    }

    [Theory]
    [InlineData(ChunkStorageLayout.Contiguous, true)]
    [InlineData(ChunkStorageLayout.Chunked, false)]
    [InlineData(ChunkStorageLayout.Deflate, false)]
    public void ChunksWrittenByCSharpAreMappedOnlyWhenContiguous(ChunkStorageLayout layout, bool mapped)
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 9, chunks: 2, rows: 4, cols: 7);
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, layout);
        using var source = SeriesFrameSource.Open(folder.Path);
        using var block = source.TryMapChunk(1);
        Assert.Equal(mapped, block is not null);
        if (block is not null) AssertSame<ushort>(source, source.Chunks[1], block);
    }

    [Fact]
    public void AChunkTruncatedAfterTheSeriesWasOpenedIsNotMapped()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 8, chunks: 2, rows: 16, cols: 16);
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Contiguous);
        using var source = SeriesFrameSource.Open(folder.Path);
        string path = folder.File("chunk-00001.h5");
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite)) stream.SetLength(stream.Length - 100);
        // The shortened file fails as the general reader fails on it, with the file named; nothing is mapped past its end.
        var ex = Assert.Throws<DataContractException>(() => source.TryMapChunk(1)?.Dispose());
        Assert.Contains("chunk-00001.h5", ex.Message);
    }
}
