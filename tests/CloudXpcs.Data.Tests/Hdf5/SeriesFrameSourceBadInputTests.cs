using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using PureHDF;

namespace CloudXpcs.Data.Tests.Hdf5;

/// <summary>Every broken series fails with a one-line contract error naming the file (or folder) and the problem.</summary>
public sealed class SeriesFrameSourceBadInputTests : IDisposable
{
    // 11 frames in 3 chunks: frames 0-2, 3-6, 7-10; 6 x 5 pixels.
    private readonly TempFolder _folder = new();
    private readonly SeriesManifest _manifest = TestSeries.Manifest(frames: 11, chunks: 3, rows: 6, cols: 5);

    public SeriesFrameSourceBadInputTests() =>
        TestSeries.WriteFolder(_folder.Path, _manifest, FrameDType.UInt16, ChunkStorageLayout.Deflate);

    public void Dispose() => _folder.Dispose();

    private string Chunk(int k) => _folder.File(SeriesManifest.ChunkFileName(k));

    /// <summary>Opens the series and reads every frame.</summary>
    private void ReadAll()
    {
        using var source = SeriesFrameSource.Open(_folder.Path);
        foreach (var batch in source.ReadBatches(4)) Assert.True(batch.FrameCount > 0);
    }

    private static void WriteH5(string path, H5File file) => file.Write(path);

    private static H5File FramesFile(string datasetName, object data, ulong[] dims, object? firstFrame)
    {
        var dataset = new H5Dataset(data, fileDims: dims);
        if (firstFrame is not null) dataset.Attributes["first_frame"] = firstFrame;
        return new H5File { ["entry"] = new H5Group { ["data"] = new H5Group { [datasetName] = dataset } } };
    }

    [Fact]
    public void TheIntactSeriesReads() => TestSeries.AssertFolderHoldsTestValues(_folder.Path, FrameDType.UInt16);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.05)]
    public void ATruncatedChunkIsNotAReadableHdf5File(double keptFraction)
    {
        var bytes = File.ReadAllBytes(Chunk(1));
        File.WriteAllBytes(Chunk(1), bytes[..(int)(bytes.Length * keptFraction)]);
        ContractAssert.Throws(Chunk(1), ReadAll, "not a readable HDF5 file");
    }

    [Fact]
    public void RandomBytesAreNotAReadableHdf5File()
    {
        var bytes = new byte[4096];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(Chunk(1), bytes);
        ContractAssert.Throws(Chunk(1), ReadAll, "not a readable HDF5 file");
    }

    [Fact]
    public void AnEmptyFileIsNotAReadableHdf5File()
    {
        File.WriteAllBytes(Chunk(2), []);
        ContractAssert.Throws(Chunk(2), ReadAll, "not a readable HDF5 file");
    }

    [Fact]
    public void CorruptCompressedDataIsReportedWithTheFrames()
    {
        // Flip bytes in the second half of the file, where PureHDF puts the deflated frames after the metadata.
        var bytes = File.ReadAllBytes(Chunk(1));
        for (int i = bytes.Length / 2; i < bytes.Length - 16; i += 7) bytes[i] ^= 0x5A;
        File.WriteAllBytes(Chunk(1), bytes);
        ContractAssert.Throws(Chunk(1), ReadAll, "not a readable HDF5 file");
    }

    [Fact]
    public void AWrongDatasetPathIsNamed()
    {
        WriteH5(Chunk(1), FramesFile("frames", new ushort[4 * 30], [4, 6, 5], 3L));
        ContractAssert.Throws(Chunk(1), ReadAll, "dataset /entry/data/data not found");
    }

    [Fact]
    public void AFileWithoutTheEntryGroupIsNamed()
    {
        WriteH5(Chunk(1), new H5File { ["data"] = new ushort[4 * 30] });
        ContractAssert.Throws(Chunk(1), ReadAll, "dataset /entry/data/data not found");
    }

    [Fact]
    public void AFrameShapeDifferentFromSeriesJsonIsNamed()
    {
        ContractChunkWriter.Write<double>(Chunk(1), new double[4 * 30], rows: 5, cols: 6, firstFrame: 3);
        ContractAssert.Throws(Chunk(1), ReadAll, "frames are 5 x 6 pixels, series.json declares 6 x 5");
    }

    [Fact]
    public void ATwoDimensionalDatasetIsNamed()
    {
        WriteH5(Chunk(1), FramesFile("data", new ushort[4 * 30], [4, 30], 3L));
        ContractAssert.Throws(Chunk(1), ReadAll, "/entry/data/data has shape (4, 30), expected 3 dimensions");
    }

    [Fact]
    public void Float64IsAnUnsupportedDType()
    {
        WriteH5(Chunk(1), FramesFile("data", new double[4 * 30], [4, 6, 5], 3L));
        ContractAssert.Throws(Chunk(1), ReadAll, "unsupported dtype float64");
    }

    [Fact]
    public void Int64IsAnUnsupportedDType()
    {
        WriteH5(Chunk(1), FramesFile("data", new long[4 * 30], [4, 6, 5], 3L));
        ContractAssert.Throws(Chunk(1), ReadAll, "unsupported dtype int64");
    }

    [Fact]
    public void AWrongFirstFrameIsNamed()
    {
        ContractChunkWriter.Write<double>(Chunk(1), TestSeries.Frames(FrameDType.UInt16, 3, 4, 30), 6, 5, firstFrame: 4);
        ContractAssert.Throws(Chunk(1), ReadAll, "first_frame is 4, expected 3 (chunks 0..0 hold 3 frames)");
    }

    [Fact]
    public void AMissingFirstFrameAttributeIsNamed()
    {
        WriteH5(Chunk(1), FramesFile("data", new ushort[4 * 30], [4, 6, 5], firstFrame: null));
        ContractAssert.Throws(Chunk(1), ReadAll, "has no 'first_frame' attribute");
    }

    [Fact]
    public void AFloatingPointFirstFrameIsNamed()
    {
        WriteH5(Chunk(1), FramesFile("data", new ushort[4 * 30], [4, 6, 5], firstFrame: 3.0));
        ContractAssert.Throws(Chunk(1), ReadAll, "attribute 'first_frame' must be one integer");
    }

    [Fact]
    public void TooFewFramesInAllAreNamed()
    {
        ContractChunkWriter.Write<double>(Chunk(2), TestSeries.Frames(FrameDType.UInt16, 7, 3, 30), 6, 5, firstFrame: 7);
        ContractAssert.Throws(_folder.Path, ReadAll, "frame count mismatch: chunks 0..2 hold 10 frames, series.json declares 11");
    }

    [Fact]
    public void TooManyFramesAreNamedWithTheChunk()
    {
        ContractChunkWriter.Write<double>(Chunk(2), TestSeries.Frames(FrameDType.UInt16, 7, 5, 30), 6, 5, firstFrame: 7);
        ContractAssert.Throws(Chunk(2), ReadAll, "frame count mismatch: chunk holds frames 7..11, but series.json declares 11 frames");
    }

    [Fact]
    public void AMissingChunkIsNamed()
    {
        File.Delete(Chunk(1));
        ContractAssert.Throws(_folder.Path, ReadAll, "incomplete series: missing chunk index 1 (series.json declares 3 chunks)");
    }

    [Fact]
    public void MissingAndExtraChunksAreAllNamed()
    {
        File.Delete(Chunk(0));
        File.Delete(Chunk(1));
        File.Copy(Chunk(2), Chunk(3));
        File.Copy(Chunk(2), Chunk(4));
        File.Copy(Chunk(2), Chunk(9));
        ContractAssert.Throws(_folder.Path, ReadAll, "missing chunk indices 0-1", "extra chunk indices 3-4, 9 beyond the last index 2");
    }

    [Fact]
    public void AnExtraChunkIsNamed()
    {
        File.Copy(Chunk(2), Chunk(3));
        ContractAssert.Throws(_folder.Path, ReadAll, "incomplete series: extra chunk index 3 beyond the last index 2");
    }

    [Fact]
    public void ANonCanonicalChunkNameIsNamed()
    {
        File.Copy(Chunk(2), _folder.File("chunk-2.h5"));
        ContractAssert.Throws(_folder.File("chunk-2.h5"), ReadAll, "chunk file name is not canonical (expected chunk-00002.h5)");
    }

    [Fact]
    public void AMissingSeriesJsonIsNamed()
    {
        File.Delete(_folder.File(SeriesManifest.FileName));
        ContractAssert.Throws(_folder.Path, ReadAll, "incomplete series: series.json is missing");
    }

    [Fact]
    public void AMalformedSeriesJsonIsNamed()
    {
        File.WriteAllText(_folder.File(SeriesManifest.FileName), "{\"schema\": \"cloudxpcs.series/1\", \"frames\": \"many\"}");
        ContractAssert.Throws(_folder.File(SeriesManifest.FileName), ReadAll, "missing required field 'detector'");
    }

    [Theory]
    [InlineData(float.NaN, "not finite pixel value NaN")]
    [InlineData(float.PositiveInfinity, "not finite pixel value +inf")]
    [InlineData(-2.5f, "negative pixel value -2.5")]
    public void NonFiniteAndNegativeFloatPixelsAreNamedWithFrameAndPixel(float bad, string problem)
    {
        var values = TestSeries.Frames(FrameDType.Float32, 3, 4, 30).Select(v => (float)v).ToArray();
        values[2 * 30 + 7] = bad; // chunk frame 2 = series frame 5; pixel 7 = row 1, col 2
        ContractChunkWriter.Write<float>(Chunk(1), values, 6, 5, 3, FrameDType.Float32, ChunkStorageLayout.Chunked);
        using var source = SeriesFrameSource.Open(_folder.Path); // headers are fine: values are checked as frames are read
        ContractAssert.Throws(Chunk(1), () => source.ReadBatches(4).ToList(),
            "frame 5 (frame 2 of this chunk)", problem, "at row 1, col 2");
    }

    [Fact]
    public void NegativeIntegerPixelsAreNamedWithFrameAndPixel()
    {
        var values = TestSeries.Frames(FrameDType.Int8, 7, 4, 30);
        values[3 * 30 + 29] = -3;
        ContractChunkWriter.Write<double>(Chunk(2), values, 6, 5, 7, FrameDType.Int16, ChunkStorageLayout.Contiguous);
        ContractAssert.Throws(Chunk(2), ReadAll, "frame 10 (frame 3 of this chunk) has a negative pixel value -3 at row 5, col 4");
    }
}
