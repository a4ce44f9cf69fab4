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
            var best = Names.Select(n => (Name: n, Distance: Distance(typed, n))).OrderBy(p => p.Distance).FirstOrDefault();
            if (best.Name is null || best.Distance > Math.Max(2, typed.Length / 3)) return "(cloudxpcs --help lists the commands)";
            return $"(did you mean '{best.Name}'?)";
        }
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
