using System.Text.Json.Nodes;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// A beamtime series given as a result file (series.json "result", DATA_CONTRACT 1.1) analysed offline with
/// <c>cloudxpcs analyze-series</c>: correlation skipped, the file's g2 fitted in the series' beamtime context.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ResultSeriesCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A small flowing beamtime (5 positions at one time, 64 × 64 px, 256 frames) and its fastest series.</summary>
    internal static (SyntheticBeamtime Beamtime, SyntheticSeriesTruth Fastest) SmallBeamtime(string folder) =>
        SyntheticBeamtimeWriter.Write(folder, new SyntheticBeamtimeSpec
        {
            Beamtime = "given", Frames = 256, DetectorBinning = 8, SeriesTimesMin = [300], XamTimesMin = [0, 314], Seed = 5, TransportSets = ["RS"],
        }) is var beamtime ? (beamtime, beamtime.Series.MaxBy(s => Math.Abs(s.SpeedAPerS))!) : default;

    /// <summary>series.json of a result series beside the raw one it stands for (same position and time).</summary>
    internal static string WriteResultSeries(string beamtimeFolder, string series, string resultFileName, string resultSource, double positionMm,
        double timeMin)
    {
        string folder = Path.Combine(beamtimeFolder, "xpcs", series);
        Directory.CreateDirectory(folder);
        File.Copy(resultSource, Path.Combine(folder, resultFileName));
        File.WriteAllText(Path.Combine(folder, "series.json"), new JsonObject
        {
            ["schema"] = "cloudxpcs.series/1", ["beamtime"] = "given", ["series"] = series, ["result"] = resultFileName,
            ["position_mm"] = positionMm, ["polarization_time_min"] = timeMin,
        }.ToJsonString());
        return folder;
    }

    /// <summary>fit.json without the fields that name the series or its g2 source: what must be equal between the two paths.</summary>
    internal static string Numbers(string fitJson)
    {
        var node = JsonNode.Parse(fitJson)!.AsObject();
        node.Remove("series");
        node.Remove("g2_source");
        return node.ToJsonString();
    }

    [Fact]
    public void AG2FileOfCorrelateGivenInPlaceOfItsRawSeriesIsFittedToTheSameNumbers()
    {
        var (beamtime, fastest) = SmallBeamtime(_temp.File("given"));
        string raw = Path.Combine(beamtime.Folder, "xpcs", fastest.Series);
        string correlated = _temp.File("correlated.h5");
        var correlate = CliRun.Cloudxpcs("correlate", "--series", raw, "--out", correlated);
        Assert.True(correlate.ExitCode == 0, correlate.ToString());
        string given = WriteResultSeries(beamtime.Folder, fastest.Series + "-given", "g2.h5", correlated, fastest.PositionMm, fastest.TimeMin);

        var fromRaw = CliRun.Cloudxpcs("analyze-series", "--series", raw, "--out", _temp.File("out-raw"));
        Assert.True(fromRaw.ExitCode == 0, fromRaw.ToString());
        var fromResult = CliRun.Cloudxpcs("analyze-series", "--series", given, "--out", _temp.File("out-given"));
        Assert.True(fromResult.ExitCode == 0, fromResult.ToString());
        Assert.Contains("correlation skipped", fromResult.Stdout);

        var rawFit = FitJson.Read(_temp.File("out-raw/fit.json"));
        var givenFit = FitJson.Read(_temp.File("out-given/fit.json"));
        Assert.True(rawFit.Velocity.Resolvable, "the fastest series of the beamtime flows visibly");
        Assert.NotNull(rawFit.Anion);
        Assert.Equal(Numbers(File.ReadAllText(_temp.File("out-raw/fit.json"))), Numbers(File.ReadAllText(_temp.File("out-given/fit.json"))));
        Assert.Equal(rawFit.Velocity.SpeedAPerS, givenFit.Velocity.SpeedAPerS);
        Assert.Equal("g2.h5", givenFit.G2Source);
        Assert.Equal(File.ReadAllBytes(correlated), File.ReadAllBytes(_temp.File("out-given/g2.h5")));
    }

    [SkippableFact]
    public void ARealBeamlineResultGivenAsASeriesIsFittedWithItsPositionAndTime()
    {
        string real = ApsResultFiles.PathOf(ApsResultFiles.Sample);
        string given = WriteResultSeries(_temp.File("given"), "aps-sample", "result.hdf", real, -0.5, 120.0);
        var run = CliRun.Cloudxpcs("analyze-series", "--series", Path.Combine(given, "series.json"), "--out", _temp.File("out"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("aps-sample: not resolvable", run.Stdout);
        var fit = FitJson.Read(_temp.File("out/fit.json"));
        Assert.Equal(("aps-sample", -0.5, 120.0, "result.hdf"), (fit.Series, fit.PositionMm, fit.PolarizationTimeMin, fit.G2Source));
        Assert.False(fit.Velocity.Resolvable);
        Assert.Equal(27, fit.Relaxation!.Count);
        Assert.Equal(File.ReadAllBytes(real), File.ReadAllBytes(_temp.File("out/g2.h5")));
    }

    [Theory]
    [InlineData("\"frames\": 64,", "field 'frames' does not belong in a series given as a result file")]
    [InlineData("\"reslt_note\": 1,", "unknown field 'reslt_note'")]
    [InlineData("", "the result file 'result.hdf' it names is not in the series folder")]
    [InlineData("\"result\": \"../result.hdf\",", "field 'result' must not contain '..'")]
    public void ABadResultSeriesIsBadInput(string extra, string problem)
    {
        string folder = _temp.File("bt/xpcs/s1");
        Directory.CreateDirectory(folder);
        string json = $"{{{extra} \"schema\": \"cloudxpcs.series/1\", \"beamtime\": \"bt\", \"series\": \"s1\", \"position_mm\": 0, \"polarization_time_min\": 1" +
                      (extra.StartsWith("\"result\"", StringComparison.Ordinal) ? "}" : ", \"result\": \"result.hdf\"}");
        string seriesJson = Path.Combine(folder, "series.json");
        File.WriteAllText(seriesJson, json);
        string outDir = _temp.File("out");
        var run = CliRun.Cloudxpcs("analyze-series", "--series", seriesJson, "--out", outDir);
        CliAssert.BadInput(run, seriesJson, problem);
        Assert.False(Directory.Exists(outDir));
    }
}
