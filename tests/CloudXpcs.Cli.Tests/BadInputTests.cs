using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Geometry;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// A broken series makes correlate and analyze-series exit with code 2 and one error line naming the file and the
/// problem, and leaves no g2.h5 or fit.json (nor a temporary file) behind.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private string Series => _temp.File("series");
    private string SeriesJson => Path.Combine(Series, SeriesManifest.FileName);
    private string OutDir => _temp.File("out");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Commands => new() { "correlate", "analyze-series" };

    private CliResult Run(string command) => command == "correlate"
        ? CliRun.Cloudxpcs("correlate", "--series", SeriesJson, "--out", Path.Combine(OutDir, "g2.h5"))
        : CliRun.Cloudxpcs("analyze-series", "--series", SeriesJson, "--out", OutDir);

    private void AssertRejected(string command, string source, params string[] fragments)
    {
        var run = Run(command);
        CliAssert.BadInput(run, source, fragments);
        var left = Directory.Exists(OutDir) ? Directory.GetFileSystemEntries(OutDir) : [];
        Assert.True(left.Length == 0, $"{OutDir} holds {string.Join(", ", left)}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMissingChunk(string command)
    {
        SmallSeries.Write(Series);
        File.Delete(SmallSeries.ChunkPath(Series, 1));
        AssertRejected(command, Series, "missing chunk index 1");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ATruncatedChunkOfRandomBytes(string command)
    {
        SmallSeries.Write(Series);
        var bytes = new byte[3000];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(SmallSeries.ChunkPath(Series, 2), bytes);
        AssertRejected(command, SmallSeries.ChunkPath(Series, 2), "not a readable HDF5 file");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AFrameCountMismatch(string command)
    {
        SmallSeries.Write(Series);
        (SmallSeries.Manifest() with { Frames = SmallSeries.Frames + 1 }).Save(SeriesJson);
        AssertRejected(command, Series, "frame count mismatch", $"hold {SmallSeries.Frames} frames", $"declares {SmallSeries.Frames + 1}");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ANaNPixelInAFloat32Chunk(string command)
    {
        SmallSeries.Write(Series, FrameDType.Float32);
        var (first, count) = SmallSeries.Manifest().EvenChunkFrames(2);
        var values = SmallSeries.FrameValues(first, count).Select(v => (float)v).ToArray();
        values[5 * SmallSeries.Rows * SmallSeries.Cols + 3 * SmallSeries.Cols + 4] = float.NaN;
        ContractChunkWriter.Write<float>(SmallSeries.ChunkPath(Series, 2), values, SmallSeries.Rows, SmallSeries.Cols, first,
            FrameDType.Float32, ChunkStorageLayout.Chunked);
        AssertRejected(command, SmallSeries.ChunkPath(Series, 2), $"frame {first + 5} ", "not finite pixel value NaN", "at row 3, col 4");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void ANegativePixel(string command)
    {
        SmallSeries.Write(Series);
        var (first, count) = SmallSeries.Manifest().EvenChunkFrames(1);
        var values = SmallSeries.FrameValues(first, count);
        values[2 * SmallSeries.Rows * SmallSeries.Cols + 17] = -3;
        ContractChunkWriter.Write<double>(SmallSeries.ChunkPath(Series, 1), values, SmallSeries.Rows, SmallSeries.Cols, first,
            FrameDType.Int16, ChunkStorageLayout.Contiguous);
        AssertRejected(command, SmallSeries.ChunkPath(Series, 1), "negative pixel value -3", "at row 1, col 1");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AQRangeOffTheDetector(string command)
    {
        SmallSeries.Write(Series, manifest: SmallSeries.Manifest() with { QMap = new QMapSpec(0.5, 0.6, 2, 4, 2) });
        AssertRejected(command, SeriesJson, "q range off the detector");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AnUnreadableSeriesJson(string command)
    {
        SmallSeries.Write(Series);
        File.WriteAllText(SeriesJson, "{ \"schema\": \"cloudxpcs.series/1\", \"frames\": 64,");
        AssertRejected(command, SeriesJson);
    }
}
