using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

public sealed class VersionCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        AnsiConsole.WriteLine("cloudxpcs " + typeof(VersionCommand).Assembly.GetName().Version);
        return 0;
    }
}
