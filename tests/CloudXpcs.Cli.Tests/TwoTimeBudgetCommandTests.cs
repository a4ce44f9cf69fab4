using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// <c>correlate --twotime</c> beyond CLOUDXPCS_MAX_MEMORY_MB: one line naming series.json, the MiB needed against the
/// budget and the time it would take, exit 2, no g2.h5 (nothing partial); within the budget the same command succeeds.
/// The variable is process-wide: the CLI collection runs alone.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class TwoTimeBudgetCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Correlate_with_two_time_beyond_the_memory_budget_is_refused_before_any_work()
    {
        // 512 frames of 16 x 16 pixels: multi-tau needs well under 1 MiB, two-time 512² x 8 B per bin.
        string manifest = SmallSeries.Write(_temp.File("series"), manifest: SmallSeries.Manifest() with { Frames = 512, Chunks = 2 });
        string output = _temp.File("g2.h5");
        string? before = Environment.GetEnvironmentVariable("CLOUDXPCS_MAX_MEMORY_MB");
        try
        {
            Environment.SetEnvironmentVariable("CLOUDXPCS_MAX_MEMORY_MB", "1");
            var refused = CliRun.Cloudxpcs("correlate", "--series", manifest, "--out", output, "--twotime");
            CliAssert.BadInput(refused, manifest, "two-time of 512 correlator frames", "bins needs about", "multiply-adds (about",
                "beyond the budget of 1 MiB (CLOUDXPCS_MAX_MEMORY_MB)");
            Assert.False(File.Exists(output));
            Environment.SetEnvironmentVariable("CLOUDXPCS_MAX_MEMORY_MB", "64");
            var accepted = CliRun.Cloudxpcs("correlate", "--series", manifest, "--out", output, "--twotime");
            Assert.True(accepted.ExitCode == 0, accepted.ToString());
            Assert.True(File.Exists(output));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLOUDXPCS_MAX_MEMORY_MB", before);
        }
    }
}
