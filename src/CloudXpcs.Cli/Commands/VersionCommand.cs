using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

public sealed class VersionCommand : Command
{
    /// <summary>The informational version (1.0.0+commit), the same string the report's provenance shows.</summary>
    public static string Text =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString() ?? "unknown";

    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        AnsiConsole.WriteLine("cloudxpcs " + Text);
        return 0;
    }
}
