using CloudXpcs.Data.Results;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// The exit code of the commands that end with a run's status (<c>run</c>, <c>reprocess</c>, <c>demo</c>, <c>status</c>):
/// 0 completed; 3 completed with failures (results written, at least one series not analysed); 1 failed (a step of the
/// run failed). 2 stays bad input and 1 also an internal error (<c>ExitLine</c>).
/// </summary>
public static class RunExitCode
{
    public const int CompletedWithFailures = 3;

    public static int For(RunStatus status) => status switch
    {
        RunStatus.Completed or RunStatus.Running => 0,
        RunStatus.CompletedWithFailures => CompletedWithFailures,
        _ => ExitCodes.Failure,
    };

    /// <summary>The worst code over several runs (status lists the newest run of each beamtime).</summary>
    public static int Worst(IEnumerable<RunStatus> statuses) =>
        statuses.Select(For).DefaultIfEmpty(0).OrderBy(c => c switch { 0 => 0, CompletedWithFailures => 1, _ => 2 }).Last();
}
