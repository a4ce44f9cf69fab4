using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Science.Fitting;

namespace CloudXpcs.Data.Tests.Results;

public sealed class PartialResultJsonTests
{
    private static PartialResultDocument Document(int framesCovered = 1024, int chunksCovered = 2) => new()
    {
        Beamtime = "bt", Series = "x0.00_t0060", FramesCovered = framesCovered, FramesTotal = 2048, ChunksCovered = chunksCovered, ChunksExpected = 4,
        LastChunkUtc = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), ComputedUtc = new DateTimeOffset(2026, 12, 7, 10, 0, 2, TimeSpan.Zero),
        ComputeS = 1.5, G2File = PartialResultJson.G2FileName,
        Fit = FitDocument.From(new SeriesFit([], [], new VelocityResult
        {
            Resolvable = true, SpeedAPerS = 31.5, SpeedErrAPerS = 2.5, MinResolvableSpeedAPerS = 1.1, Method = "joint", UsedBinCount = 3,
        }), "x0.00_t0060", 0.0, 60.0),
    };

    [Fact]
    public void Round_trips_through_a_file_marked_partial_with_what_it_covers()
    {
        using var folder = new TempFolder();
        string path = System.IO.Path.Combine(folder.Path, PartialResultJson.FileName);
        PartialResultJson.Write(path, Document());
        string text = File.ReadAllText(path);
        Assert.Contains("\"partial\": true", text);
        Assert.Contains("\"frames_covered\": 1024", text);
        Assert.Contains("\"chunks_expected\": 4", text);
        var read = PartialResultJson.Read(path);
        Assert.Equal((1024, 2048, 2, 4, 31.5), (read.FramesCovered, read.FramesTotal, read.ChunksCovered, read.ChunksExpected, read.SpeedAPerS));
        Assert.Equal(Document().ComputedUtc, read.ComputedUtc);
    }

    [Fact]
    public void Is_never_read_as_a_fit_json_nor_a_fit_json_as_a_partial_result()
    {
        string partial = PartialResultJson.Serialize(Document());
        var asFit = Assert.Throws<DataContractException>(() => FitJson.Deserialize(partial, "p.json"));
        Assert.Contains("expected 'cloudxpcs.fit/1'", asFit.Message);
        string fit = FitJson.Serialize(Document().Fit);
        Assert.Throws<DataContractException>(() => PartialResultJson.Deserialize(fit, "fit.json"));
    }

    [Theory]
    [InlineData(2048, 2, "frames_covered 2048 of 2048")]
    [InlineData(1024, 4, "chunks_covered 4 of 4")]
    [InlineData(1, 1, "frames_covered 1 of 2048")]
    public void A_document_covering_the_whole_series_or_nothing_is_refused(int frames, int chunks, string problem)
    {
        using var folder = new TempFolder();
        var e = Assert.Throws<DataContractException>(() => PartialResultJson.Write(System.IO.Path.Combine(folder.Path, "p.json"), Document(frames, chunks)));
        Assert.Contains(problem, e.Message);
        Assert.Empty(Directory.EnumerateFiles(folder.Path));
        Assert.Throws<DataContractException>(() => PartialResultJson.Deserialize(PartialResultJson.Serialize(Document() with { Partial = false }), "p.json"));
    }
}
