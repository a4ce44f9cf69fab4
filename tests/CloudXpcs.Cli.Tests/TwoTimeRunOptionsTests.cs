using CloudXpcs.Cli.Commands.Cloud;
using CloudXpcs.Cli.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>The two-time options of <c>cloudxpcs run</c>/<c>reprocess</c>: mapped to the run's "twotime" parameters, bad values refused (exit 2).</summary>
[Collection(CliCollection.Name)]
public sealed class TwoTimeRunOptionsTests
{
    [Theory]
    [InlineData("run", "need --twotime", "--avg-frame", "2")]
    [InlineData("run", "twotime.bin_groups: 1..64 (got 0)", "--twotime", "--twotime-groups", "0")]
    [InlineData("reprocess", "twotime.age_windows: 1..1000 (got 0)", "--twotime", "--age-windows", "0")]
    [InlineData("reprocess", "twotime.bins: bin numbers must increase", "--twotime", "--twotime-bins", "4,2")]
    [InlineData("run", "--stride-frame must be >= 1", "--twotime", "--stride-frame", "0")]
    public void Bad_two_time_options_are_refused_before_anything_runs(string command, string problem, params string[] options)
    {
        var run = CliRun.Cloudxpcs([command, "--beamtime", command == "run" ? Path.GetTempPath() : "bt", .. options]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(problem, run.Stderr);
    }

    [Fact]
    public void The_options_become_the_runs_two_time_parameters()
    {
        var settings = new RunCommand.Settings
        {
            Beamtime = Path.GetTempPath(), TwoTime = true, TwoTimeBins = "1,4", AverageFrames = 2, StrideFrames = 3, AgeWindows = 6, TwoTimeGroups = 2,
        };
        Assert.True(settings.Validate().Successful);
        var twoTime = settings.Parameters().TwoTime!;
        Assert.Equal([1, 4], twoTime.Bins!);
        Assert.Equal((2, 3, 6, 2), (twoTime.AverageFrames, twoTime.StrideFrames, twoTime.AgeWindows, twoTime.BinGroups));
        Assert.Null(new RunCommand.Settings { Beamtime = "bt" }.Parameters().TwoTime);
    }
}
