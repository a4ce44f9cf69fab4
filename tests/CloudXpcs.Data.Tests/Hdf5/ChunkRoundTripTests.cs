using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using PureHDF;

namespace CloudXpcs.Data.Tests.Hdf5;

public class ChunkRoundTripTests
{
    public static TheoryData<FrameDType, ChunkStorageLayout> EveryDTypeAndLayout()
    {
        var data = new TheoryData<FrameDType, ChunkStorageLayout>();
        foreach (var dtype in Enum.GetValues<FrameDType>())
            foreach (var layout in Enum.GetValues<ChunkStorageLayout>()) data.Add(dtype, layout);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryDTypeAndLayout))]
    public void SeriesWrittenByCSharpReadsBackExactly(FrameDType dtype, ChunkStorageLayout layout)
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5);
        TestSeries.WriteFolder(folder.Path, manifest, dtype, layout);

        Assert.Equal(
            new[] { SeriesManifest.FileName, "chunk-00000.h5", "chunk-00001.h5", "chunk-00002.h5" }.Order(),
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order());
        using (var reader = ChunkFileReader.Open(folder.File("chunk-00001.h5")))
        {
            Assert.Equal(dtype, reader.DType);
            Assert.Equal(manifest.EvenChunkFrames(1).FirstFrame, reader.FirstFrame);
            Assert.Equal(manifest.EvenChunkFrames(1).FrameCount, reader.FrameCount);
            Assert.Equal(layout == ChunkStorageLayout.Contiguous ? H5DataLayoutClass.Contiguous : H5DataLayoutClass.Chunked, reader.Layout);
        }
        // Batches of 4 frames cross the chunk boundaries at frames 3 and 7.
        TestSeries.AssertFolderHoldsTestValues(folder.Path, dtype, batchFrames: 4);
        TestSeries.AssertFolderHoldsTestValues(folder.Path, dtype, batchFrames: 64);
    }

    [Fact]
    public void ReadFramesFillsACallerBufferAcrossChunks()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 9, chunks: 3, rows: 2, cols: 3);
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Chunked);
        using var source = SeriesFrameSource.Open(folder.Path);
        var buffer = new ushort[5 * 6];
        source.ReadFrames<ushort>(2, 5, buffer);
        Assert.Equal(TestSeries.Frames(FrameDType.UInt16, 2, 5, 6), buffer.Select(v => (double)v));
        // A wider buffer type is accepted too.
        var wide = new float[5 * 6];
        source.ReadFrames<float>(2, 5, wide);
        Assert.Equal(TestSeries.Frames(FrameDType.UInt16, 2, 5, 6), wide.Select(v => (double)v));
    }

    [Fact]
    public void ASeriesOfMixedDTypesIsDeliveredInTheWidestPixelType()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 4, chunks: 2, rows: 2, cols: 2);
        manifest.Save(folder.File(SeriesManifest.FileName));
        ContractChunkWriter.Write<double>(folder.File("chunk-00000.h5"), [1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 0, FrameDType.UInt8, ChunkStorageLayout.Contiguous);
        ContractChunkWriter.Write<double>(folder.File("chunk-00001.h5"), [9, 10, 11, 12, 4_000_000_000, 14, 15, 16], 2, 2, 2, FrameDType.UInt32, ChunkStorageLayout.Deflate);
        using var source = SeriesFrameSource.Open(folder.Path);
        Assert.Equal(FramePixelType.UInt32, source.PixelType);
        var batch = Assert.Single(source.ReadBatches());
        Assert.Equal(new uint[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 4_000_000_000, 14, 15, 16 }, batch.UInt32Pixels.ToArray());
        Assert.Throws<InvalidOperationException>(() => batch.UInt16Pixels.Length);
    }

    [Fact]
    public void TheWriterRefusesValuesTheDTypeCannotHold()
    {
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() => ContractChunkWriter.Write<double>(folder.File("a.h5"), [256, 0], 1, 2, 0, FrameDType.UInt8));
        Assert.Throws<ArgumentException>(() => ContractChunkWriter.Write<double>(folder.File("b.h5"), [1.5, 0], 1, 2, 0, FrameDType.UInt16));
        Assert.Throws<ArgumentException>(() => ContractChunkWriter.Write<double>(folder.File("c.h5"), [1, 2, 3], 1, 2, 0, FrameDType.UInt16));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void MaskFileRoundTripsAndIsCheckedAgainstTheDetector()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 2, chunks: 1, rows: 2, cols: 3, mask: "masks/mask.h5");
        TestSeries.WriteFolder(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Contiguous);
        Directory.CreateDirectory(folder.File("masks"));
        byte[] mask = [1, 0, 1, 1, 0, 1];
        DetectorMaskFile.Write(folder.File("masks/mask.h5"), mask, 2, 3);
        using (var source = SeriesFrameSource.Open(folder.Path))
            Assert.Equal(mask, source.ReadMask());

        DetectorMaskFile.Write(folder.File("masks/mask.h5"), [1, 0, 1, 1, 0, 1], 3, 2);
        using (var source = SeriesFrameSource.Open(folder.Path))
            ContractAssert.Throws(folder.File("masks/mask.h5"), () => source.ReadMask(), "/mask has shape (3, 2), the detector is (2, 3)");
    }

    [Fact]
    public void SeriesJsonIsWrittenOnlyWhenEveryFrameWasAppended()
    {
        using var folder = new TempFolder();
        var manifest = TestSeries.Manifest(frames: 4, chunks: 2, rows: 1, cols: 2);
        var writer = new SeriesFolderWriter(folder.Path, manifest, FrameDType.UInt16, ChunkStorageLayout.Chunked);
        writer.AppendFrame<int>([1, 2]);
        writer.AppendFrame<int>([3, 4]);
        writer.AppendFrame<int>([5, 6]);
        Assert.Throws<InvalidOperationException>(writer.Complete);
        Assert.False(File.Exists(folder.File(SeriesManifest.FileName)));
        Assert.True(File.Exists(folder.File("chunk-00000.h5")));
        Assert.False(File.Exists(folder.File("chunk-00001.h5")));
        writer.AppendFrame<int>([7, 8]);
        writer.Complete();
        Assert.True(File.Exists(folder.File(SeriesManifest.FileName)));
        Assert.Throws<InvalidOperationException>(() => writer.AppendFrame<int>([9, 10]));
    }
}
