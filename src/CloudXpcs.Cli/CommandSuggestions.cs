using Spectre.Console.Cli;

namespace CloudXpcs.Cli;

/// <summary>"did you mean ...?" for a mistyped command name (edit distance, also for British spellings).</summary>
public static class CommandSuggestions
{
    /// <summary>Every command name (Program registers each through <see cref="Register"/>).</summary>
    private static readonly List<string> Names = [];

    public static void Register(string name)
    {
        lock (Names) if (!Names.Contains(name)) Names.Add(name);
    }

    /// <summary>The suggestion when the first argument is no command, else null.</summary>
    public static string? ForUnknown(string[] args, CommandParseException exception)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return null;
        string typed = args[0];
        lock (Names)
        {
            if (Names.Contains(typed)) return null;
            var best = Names.Select(n => (Name: n, Distance: Data.EditDistance.Between(typed, n))).OrderBy(p => p.Distance).FirstOrDefault();
            if (best.Name is null || best.Distance > Math.Max(2, typed.Length / 3)) return "(cloudxpcs --help lists the commands)";
            return $"(did you mean '{best.Name}'?)";
        }
    }
}
