using CloudXpcs.Science.Correlation;

namespace CloudXpcs.Cli.Commands;

/// <summary>The exit codes every command and <c>Program</c> share (runs add 3, see <c>Cloud.RunExitCode</c>).</summary>
public static class ExitCodes
{
    /// <summary>Input that breaks the data contract or bad arguments.</summary>
    public const int BadInput = 2;
    /// <summary>Any other failure.</summary>
    public const int Failure = 1;
}

/// <summary>
/// Correlator state memory of this process: commands that correlate several series in a row (demo) hand it from one
/// correlation to the next.
/// </summary>
internal static class ProcessCorrelatorStates
{
    public static CorrelatorStatePool Pool { get; } = new();
}
