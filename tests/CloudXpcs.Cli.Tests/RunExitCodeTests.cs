using CloudXpcs.Cli.Commands.Cloud;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Cli.Tests;

/// <summary>A run with failed series never exits 0: "completed with failures" is exit 3, distinct from bad input (2) and failures (1).</summary>
public sealed class RunExitCodeTests
{
    [Fact]
    public void Each_run_status_has_its_exit_code()
    {
        Assert.Equal(0, RunExitCode.For(RunStatus.Completed));
        Assert.Equal(3, RunExitCode.For(RunStatus.CompletedWithFailures));
        Assert.Equal(Program.ExitFailure, RunExitCode.For(RunStatus.Failed));
        Assert.NotEqual(Program.ExitBadInput, RunExitCode.CompletedWithFailures);
    }

    [Fact]
    public void Status_exits_with_the_worst_newest_run()
    {
        Assert.Equal(0, RunExitCode.Worst([]));
        Assert.Equal(0, RunExitCode.Worst([RunStatus.Completed, RunStatus.Running]));
        Assert.Equal(3, RunExitCode.Worst([RunStatus.Completed, RunStatus.CompletedWithFailures]));
        Assert.Equal(Program.ExitFailure, RunExitCode.Worst([RunStatus.CompletedWithFailures, RunStatus.Failed, RunStatus.Completed]));
    }
}
