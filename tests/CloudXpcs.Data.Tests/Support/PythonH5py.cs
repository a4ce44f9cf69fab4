using System.Diagnostics;

namespace CloudXpcs.Data.Tests.Support;

/// <summary>
/// The Debian python3 with numpy and h5py, used only by tests as an independent HDF5 reader/writer.
/// Tests that need it call <see cref="SkipIfUnavailable"/> first.
/// </summary>
public static class PythonH5py
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> IsAvailable = new(() =>
    {
        try
        {
            var (code, _, _) = RunProcess(["-c", "import h5py, numpy"]);
            return code == 0;
        }
        catch (Exception)
        {
            return false;
        }
    });

    public static void SkipIfUnavailable() =>
        Skip.IfNot(IsAvailable.Value, $"{Python} with h5py and numpy is not available");

    /// <summary>Runs a python script with arguments; returns stdout, fails the test with stderr on a non-zero exit.</summary>
    public static string Run(string script, params string[] args)
    {
        var (code, stdout, stderr) = RunProcess(["-c", script, .. args]);
        if (code != 0) throw new InvalidOperationException($"python failed ({code}):\n{stderr}\n{stdout}");
        return stdout;
    }

    private static (int Code, string Stdout, string Stderr) RunProcess(string[] args)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("python did not finish within 120 s");
        }
        return (process.ExitCode, stdoutTask.Result, stderrTask.Result);
    }
}
