using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CloudXpcs.Infra.Tests.Support;

/// <summary>One line of Bicep output such as <c>file(12,3) : Warning no-unused-params: message</c>.</summary>
public sealed record BicepDiagnostic(string File, int Line, string Level, string Code, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line}) {Level} {Code}: {Message}";
}

public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    private static readonly Regex DiagnosticLine = new(
        @"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<message>.*)$",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    public IReadOnlyList<BicepDiagnostic> Diagnostics => DiagnosticLine.Matches(StandardError)
        .Select(m => new BicepDiagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value),
            m.Groups["level"].Value, m.Groups["code"].Value, m.Groups["message"].Value.TrimEnd()))
        .ToList();

    /// <summary>Warnings and errors, plus any stderr line that is not a diagnostic at all (never silently ignored).</summary>
    public IReadOnlyList<string> Problems =>
        Diagnostics.Where(d => d.Level != "Info").Select(d => d.ToString())
            .Concat(StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => !DiagnosticLine.IsMatch(line)))
            .ToList();
}

/// <summary>The Bicep CLI from the pinned NuGet package.</summary>
public static class BicepCli
{
    private static readonly Lazy<string> Executable = new(Prepare);

    public static BicepRun Run(params string[] arguments) => RunIn(BuildPaths.Infra, arguments);

    /// <summary>The CLI with <paramref name="folder"/> as working directory (where a <c>--pattern</c> is resolved).</summary>
    public static BicepRun RunIn(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new BicepRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Prepare()
    {
        string path = BuildPaths.BicepExecutable;
        if (!File.Exists(path))
            throw new FileNotFoundException($"Bicep CLI not found at {path}; run `dotnet restore` for CloudXpcs.Infra.Tests", path);
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the pinned package holds the linux-x64 Bicep CLI");
        // Some NuGet extractions drop the execute bit.
        UnixFileMode mode = File.GetUnixFileMode(path);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | execute);
        return path;
    }
}
