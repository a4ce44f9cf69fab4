using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Tests.Support;

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

    /// <summary>The result file copied into a series folder of its own, with its series.json.</summary>
    private static string WriteResultSeries(string beamtimeFolder, string series, string resultFileName, string resultSource, double positionMm,
        double timeMin)
    {
        string folder = ResultSeriesFolders.WriteSeriesJson(beamtimeFolder, series, resultFileName, positionMm, timeMin);
        File.Copy(resultSource, Path.Combine(folder, resultFileName));
        return folder;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AG2FileOfCorrelateGivenInPlaceOfItsRawSeriesIsFittedToTheSameNumbers(bool measuredProfiles)
    {
        var (beamtime, fastest) = ResultSeriesFolders.SmallBeamtime(_temp.File("given"));
        if (measuredProfiles)
        {
            // ε at the local concentration, which the result series reads by its series.json's time and position.
            Directory.CreateDirectory(Path.Combine(beamtime.Folder, "measured"));
            File.WriteAllText(Path.Combine(beamtime.Folder, MeasuredBeamtimeLoader.MeasuredProfilesRelativePath),
                FormattableString.Invariant($"time_min,position_mm,concentration_M,concentration_err_M\n{fastest.TimeMin},-2,1.2,0.03\n{fastest.TimeMin},2,2.6,0.03\n"));
        }
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
        Assert.Equal(ResultSeriesFolders.FitNumbers(File.ReadAllText(_temp.File("out-raw/fit.json"))),
            ResultSeriesFolders.FitNumbers(File.ReadAllText(_temp.File("out-given/fit.json"))));
        Assert.Equal(rawFit.Velocity.SpeedAPerS, givenFit.Velocity.SpeedAPerS);
        Assert.Equal("g2.h5", givenFit.G2Source);
        Assert.Equal(File.ReadAllBytes(correlated), File.ReadAllBytes(_temp.File("out-given/g2.h5")));
        if (measuredProfiles) Assert.Contains("(local)", givenFit.Anion!.ConcentrationSource);
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

    [Fact]
    public void CorrelatingAResultSeriesIsBadInput()
    {
        string given = ResultSeriesFolders.WriteSeriesJson(_temp.File("given"), "aps-sample", "result.hdf", -0.5, 120.0);
        var run = CliRun.Cloudxpcs("correlate", "--series", given, "--out", _temp.File("g2.h5"));
        CliAssert.BadInput(run, Path.Combine(given, "series.json"), "a series given as a result file ('result'), which has no frames to correlate");
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
