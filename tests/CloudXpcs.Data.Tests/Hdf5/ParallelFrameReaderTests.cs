using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>Several readers at once, each decompressing its part of a batch, read exactly the frames one reader reads.</summary>
public class ParallelFrameReaderTests
{
    [Theory]
    [InlineData(ChunkStorageLayout.Deflate, 2)]
    [InlineData(ChunkStorageLayout.ShuffleDeflate, 3)]
    [InlineData(ChunkStorageLayout.Chunked, 5)]
    [InlineData(ChunkStorageLayout.Contiguous, 4)]
    public void ReadsTheFramesOneReaderReads(ChunkStorageLayout layout, int readers)
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 13, chunks: 3, rows: 6, cols: 5);
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, layout);
        using var source = SeriesFrameSource.Open(folder.Path);
        using var parallel = new ParallelFrameReader(source, readers);
        int pixels = source.PixelsPerFrame;
        // The whole series, a range across chunk boundaries, fewer frames than readers, one frame.
        foreach (var (first, count) in new[] { (0, 13), (2, 9), (11, 2), (7, 1) })
        {
            var expected = new ushort[count * pixels];
            source.ReadFrames<ushort>(first, count, expected);
            var read = new ushort[(count + 1) * pixels];
            parallel.Read(first, count, read);
            Assert.Equal(expected, read.AsSpan(0, count * pixels).ToArray());
        }
    }

    [Fact]
    public void AChunkReplacedAfterOpeningFailsAsOneReaderFails()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 12, chunks: 3, rows: 6, cols: 5);
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Deflate);
        using var source = SeriesFrameSource.Open(folder.Path);
        // Chunk 1 replaced by chunk 2 (other first_frame): the part that reaches it reports what the single reader reports.
        File.Copy(folder.File("chunk-00002.h5"), folder.File("chunk-00001.h5"), overwrite: true);
        var single = Assert.Throws<DataContractException>(() => source.ReadFrames<ushort>(0, 12, new ushort[12 * 30]));
        using var parallel = new ParallelFrameReader(source.OpenSibling(), 3);
        var many = Assert.Throws<DataContractException>(() => parallel.Read(0, 12, new ushort[12 * 30]));
        Assert.Equal(single.Message, many.Message);
        Assert.Contains("chunk-00001.h5", many.Message);
    }
}
