using System.Text;
using Spectre.Console;

namespace CloudXpcs.Cli.Tests.Support;

/// <summary>Tests that run <see cref="Program.Main"/> in-process swap the process-wide console: they must not run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "cloudxpcs CLI (process-wide console)";
}

/// <summary>The outcome of one in-process run of the CLI.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Lines of stderr that are not the plain progress notices ("description ...") of a redirected run.</summary>
    public string[] StderrProblemLines => StderrLines.Where(l => !l.EndsWith(" ...", StringComparison.Ordinal)).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs <c>cloudxpcs ARGS</c> through <see cref="Program.Main"/> with stdout and stderr captured.</summary>
public static class CliRun
{
    // Spectre.Console.Cli keeps the first AnsiConsole.Console it sees for the whole process (help, errors), so the
    // Spectre console is installed once, writing to whatever Console.Out is at the time of each write: non-interactive
    // as in a pipeline, and wide enough that nothing is wrapped.
    private static readonly Lazy<IAnsiConsole> SpectreConsole = new(() =>
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(new CurrentConsoleOut()),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 4000;
        AnsiConsole.Console = console;
        return console;
    });

    public static CliResult Cloudxpcs(params string[] args)
    {
        _ = SpectreConsole.Value;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var oldOut = Console.Out;
        var oldError = Console.Error;
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            int code = Program.Main(args);
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>A writer that forwards to the current <see cref="Console.Out"/>.</summary>
    private sealed class CurrentConsoleOut : TextWriter
    {
        public override Encoding Encoding => Console.Out.Encoding;
        public override void Write(char value) => Console.Out.Write(value);
        public override void Write(string? value) => Console.Out.Write(value);
        public override void Write(char[] buffer, int index, int count) => Console.Out.Write(buffer, index, count);
        public override void Flush() => Console.Out.Flush();
    }
}
