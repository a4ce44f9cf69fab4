using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>correlate --verbose prints where the time went and the whole process's rate.</summary>
[Collection(CliCollection.Name)]
public sealed class CorrelateVerboseTests
{
    [Fact]
    public void VerbosePrintsTheSplitByStage()
    {
        using var temp = new TempFolder();
        string seriesJson = SmallSeries.Write(Path.Combine(temp.Path, "series"));
        var run = CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--out", temp.File("g2.h5"), "--verbose");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"time: open [0-9.]+ s, read [0-9.]+ s \(\d+ chunk\(s\) memory-mapped, \d+ read through HDF5; .*\), decompress [0-9.]+ s, correlate [0-9.]+ s, finalise [0-9.]+ s, write [0-9.]+ s", run.Stdout);
        Assert.Matches(@"whole process: [0-9.]+ s since start \([0-9.E+]+ pixel-frames/s\), user [0-9.]+ s, system [0-9.]+ s", run.Stdout);
        var quiet = CliRun.Cloudxpcs("correlate", "--series", seriesJson, "--out", temp.File("g2-quiet.h5"));
        Assert.DoesNotContain("time: open", quiet.Stdout);
    }
}
