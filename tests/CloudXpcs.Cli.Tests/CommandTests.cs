using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>correlate, fit and analyze-series on a small series, run in-process through Program.Main.</summary>
[Collection(CliCollection.Name)]
public sealed class CommandTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _seriesJson;

    public CommandTests() => _seriesJson = SmallSeries.Write(Path.Combine(_temp.Path, "series"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void CorrelateWritesAReadableG2File()
    {
        string g2 = _temp.File("g2.h5");
        var run = CliRun.Cloudxpcs("correlate", "--series", _seriesJson, "--out", g2);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("correlate: x0.00_t0000: 64 frames of 16 x 16 pixels", run.Stdout);
        var file = G2File.Read(g2);
        Assert.Equal(SmallSeries.Rows, file.Rows);
        Assert.Equal(0.1, file.FrameTimeS);
        Assert.Equal(8, file.BinCount);
    }

    [Fact]
    public void AnalyzeSeriesWritesG2AndFitJsonAndPrintsTheOutcome()
    {
        string outDir = _temp.File("out");
        var run = CliRun.Cloudxpcs("analyze-series", "--series", _seriesJson, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.StderrProblemLines);
        var g2 = G2File.Read(Path.Combine(outDir, SeriesAnalysis.G2FileName));
        var fit = FitJson.Read(Path.Combine(outDir, SeriesAnalysis.FitFileName));
        Assert.Equal("x0.00_t0000", fit.Series);
        Assert.Equal(0.25, fit.PositionMm);
        Assert.Equal(30.0, fit.PolarizationTimeMin);
        Assert.Equal(g2.BinCount, fit.Bins.Count);
        // Pseudo-random counts carry no oscillation: nothing to resolve, and the command says so.
        Assert.False(fit.Velocity.Resolvable);
        Assert.Null(fit.Velocity.SpeedAPerS);
        Assert.Null(fit.Anion);
        Assert.Contains("x0.00_t0000: not resolvable (minimum resolvable speed", run.Stdout);
        Assert.Contains("wrote " + Path.GetFullPath(Path.Combine(outDir, SeriesAnalysis.FitFileName)), run.Stdout);
    }

    [Fact]
    public void FitOfTheCorrelatedFileGivesTheFitJsonOfAnalyzeSeries()
    {
        string g2 = _temp.File("g2.h5"), fitJson = _temp.File("fit.json"), outDir = _temp.File("out");
        Assert.Equal(0, CliRun.Cloudxpcs("correlate", "--series", _seriesJson, "--out", g2).ExitCode);
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--series", _seriesJson, "--out", fitJson);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("wrote " + Path.GetFullPath(fitJson), run.Stdout);
        Assert.Equal(0, CliRun.Cloudxpcs("analyze-series", "--series", _seriesJson, "--out", outDir).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, SeriesAnalysis.FitFileName)), File.ReadAllText(fitJson));
    }

    [Fact]
    public void FitRejectsAG2FileOfAnotherSeries()
    {
        string g2 = _temp.File("g2.h5"), fitJson = _temp.File("fit.json");
        Assert.Equal(0, CliRun.Cloudxpcs("correlate", "--series", _seriesJson, "--out", g2).ExitCode);
        var other = SmallSeries.Manifest() with { Frames = 40 };
        string otherJson = SmallSeries.Write(_temp.File("other"), manifest: other);
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--series", otherJson, "--out", fitJson);
        CliAssert.BadInput(run, g2, "do not match the multi-tau ladder");
        Assert.False(File.Exists(fitJson));
    }

    [Fact]
    public void FitRejectsAG2FileWithOtherBins()
    {
        string g2 = _temp.File("g2.h5"), fitJson = _temp.File("fit.json");
        Assert.Equal(0, CliRun.Cloudxpcs("correlate", "--series", _seriesJson, "--out", g2).ExitCode);
        var manifest = SmallSeries.Manifest();
        string otherJson = SmallSeries.Write(_temp.File("other"), manifest: manifest with { QMap = manifest.QMap with { PhiBins = 6 } });
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--series", otherJson, "--out", fitJson);
        CliAssert.BadInput(run, g2, "has 2 q x 4 phi bins, series.json declares 2 x 6");
        Assert.False(File.Exists(fitJson));
    }

    [Fact]
    public void FitOfAMissingG2FileIsBadInput()
    {
        string fitJson = _temp.File("fit.json");
        var run = CliRun.Cloudxpcs("fit", "--g2", _temp.File("nothing.h5"), "--series", _seriesJson, "--out", fitJson);
        CliAssert.BadInput(run, _temp.File("nothing.h5"));
        Assert.False(File.Exists(fitJson));
    }

    [Fact]
    public void TheConcentrationForTheAnionComesFromTheBeamtimeTheSeriesSitsIn()
    {
        string beamtime = _temp.File("bt");
        string series = Path.Combine(beamtime, "xpcs", "x0.00_t0000");
        Directory.CreateDirectory(series);
        new BeamtimeManifest
        {
            Beamtime = "bt",
            Cell = new BeamtimeCell(3.0, 0.3, 90.0, 0.08, 1.52),
            StrippingElectrodeSide = -1,
            TransportSets = ["PNB"],
        }.Save(Path.Combine(beamtime, BeamtimeManifest.FileName));

        var inBeamtime = SeriesAnalysis.Concentration(series, null);
        Assert.Equal(1.52, inBeamtime.ConcentrationM);
        Assert.Contains("beamtime.json", inBeamtime.Source);
        Assert.Equal(2.1, SeriesAnalysis.Concentration(series, 2.1).ConcentrationM);
        var alone = SeriesAnalysis.Concentration(_temp.File("series"), null);
        Assert.Equal(SeriesAnalysis.DefaultConcentrationM, alone.ConcentrationM);
        Assert.Contains("default", alone.Source);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("correlate")]
    [InlineData("fit")]
    [InlineData("analyze-series")]
    [InlineData("xam")]
    [InlineData("simulate-cell")]
    [InlineData("report")]
    public void HelpWorksForEveryCommand(string command)
    {
        var run = CliRun.Cloudxpcs(command, "--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(command, run.Stdout);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public void HelpListsTheNewCommands()
    {
        var run = CliRun.Cloudxpcs("--help");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("analyze-series", run.Stdout);
        Assert.Contains("fit", run.Stdout);
    }

    [Fact]
    public void HelpOfAnalyzeSeriesNamesItsOptions()
    {
        var run = CliRun.Cloudxpcs("analyze-series", "--help");
        Assert.Contains("--series", run.Stdout);
        Assert.Contains("--out", run.Stdout);
        Assert.Contains("--concentration-M", run.Stdout);
    }
}
