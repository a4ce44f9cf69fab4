using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using PureHDF;

namespace CloudXpcs.Cli.Tests;

/// <summary>cloudxpcs fit on result files of the APS 8-ID-I beamline (no series.json), and on g2 files it must refuse.</summary>
[Collection(CliCollection.Name)]
public sealed class BeamlineResultCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The samples of SOURCE.md do not flow: no speed, and the relaxation of every populated q bin is reported.</summary>
    [SkippableTheory]
    [InlineData(ApsResultFiles.Sample, 27)]
    [InlineData(ApsResultFiles.Buffer, 27)]
    [InlineData(ApsResultFiles.Acquisition, 36)]
    public void ARealBeamlineResultIsNotResolvableAndItsRelaxationIsReportedPerQ(string name, int qBins)
    {
        string result = ApsResultFiles.PathOf(name), fitJson = _temp.File("fit.json");
        var run = CliRun.Cloudxpcs("fit", "--g2", result, "--out", fitJson);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{name}: not resolvable (minimum resolvable speed", run.Stdout);
        Assert.Contains("relaxation per q", run.Stdout);
        var fit = FitJson.Read(fitJson);
        Assert.False(fit.Velocity.Resolvable);
        Assert.Null(fit.Velocity.SpeedAPerS);
        Assert.Null(fit.Anion);
        Assert.True(double.IsNaN(fit.PositionMm));
        Assert.Equal(name, fit.G2Source);
        Assert.Equal(qBins, fit.Bins.Count);
        Assert.Equal(qBins, fit.Relaxation!.Count);
        Assert.All(fit.Relaxation, r =>
        {
            Assert.True(r.Tau0S > 0 && r.Contrast > 0 && r.Stretching > 0, $"q {r.QInvA}: every populated bin is fitted");
            Assert.True(r.Resolved || r.Reason is not null);
        });
        // q per bin is the file's dynamic_v_list_dim0, in order.
        Assert.True(fit.Relaxation.Zip(fit.Relaxation.Skip(1)).All(p => p.Second.QInvA > p.First.QInvA));
    }

    [SkippableFact]
    public void AnalyzeSeriesOfABeamlineResultWritesItsG2AndTheFitWithoutCorrelating()
    {
        string result = ApsResultFiles.PathOf(ApsResultFiles.Sample), outDir = _temp.File("out");
        var run = CliRun.Cloudxpcs("analyze-series", "--series", result, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllBytes(result), File.ReadAllBytes(Path.Combine(outDir, "g2.h5")));
        var fit = FitJson.Read(Path.Combine(outDir, "fit.json"));
        Assert.False(fit.Velocity.Resolvable);
        Assert.Equal(27, fit.Relaxation!.Count);
    }

    [Fact]
    public void ACloudXpcsG2FileWithoutSeriesJsonIsBadInput()
    {
        string seriesJson = SmallSeries.Write(_temp.File("series"));
        string g2 = _temp.File("g2.h5"), fitJson = _temp.File("fit.json");
        Assert.Equal(0, CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--out", g2).ExitCode);
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--out", fitJson);
        CliAssert.BadInput(run, g2, "is a CloudXpcs g2.h5, not a beamline result file");
        Assert.False(File.Exists(fitJson));
    }

    [Fact]
    public void AG2FileOfTheEarlierLayoutIsBadInputNamingTheFile()
    {
        string seriesJson = SmallSeries.Write(_temp.File("series"));
        string g2 = _temp.File("old-g2.h5"), fitJson = _temp.File("fit.json");
        new H5File
        {
            ["xpcs"] = new H5Group { ["multitau"] = new H5Group { ["delay_list"] = new[] { 0.1, 0.2 }, ["lag_frames"] = new long[] { 1, 2 } } },
        }.Write(g2);
        var run = CliRun.Cloudxpcs("fit", "--g2", g2, "--series", seriesJson, "--out", fitJson);
        CliAssert.BadInput(run, g2, "earlier CloudXpcs layout");
        Assert.False(File.Exists(fitJson));
    }
}
