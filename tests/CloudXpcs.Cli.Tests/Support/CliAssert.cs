namespace CloudXpcs.Cli.Tests.Support;

public static class CliAssert
{
    /// <summary>Exit code 2 and exactly one error line on stderr, "error: SOURCE: problem", containing every fragment.</summary>
    public static void BadInput(CliResult run, string source, params string[] fragments)
    {
        Assert.True(run.ExitCode == Program.ExitBadInput, run.ToString());
        var problems = run.StderrProblemLines;
        Assert.True(problems.Length == 1, run.ToString());
        Assert.StartsWith("error: " + source + ": ", problems[0]);
        foreach (var fragment in fragments) Assert.Contains(fragment, problems[0]);
    }
}
