using CloudXpcs.Data;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli;

/// <summary>
/// The one line and exit code a failure ends with. Bad input (a broken file, an option out of range) is
/// <c>error: &lt;file or option&gt;: &lt;problem&gt;</c>, exit 2; a failure that is a defect of ours (a null argument,
/// an index out of range, an invalid state) is <c>internal error: ...</c>, exit 1, so that it is never blamed on the input.
/// </summary>
public static class ExitLine
{
    public static (int ExitCode, string Line) For(Exception ex) => ex switch
    {
        DataContractException => (Program.ExitBadInput, "error: " + OneLine(ex.Message)),
        // A fault of the storage or the host, not of the input nor a defect: the run is left to be resumed.
        CloudXpcs.Pipeline.Hosting.RunStalledException => (Program.ExitFailure, "error: " + OneLine(ex.Message)),
        CommandParseException or CommandRuntimeException => (Program.ExitBadInput, "error: " + OneLine(ex.Message)),
        FileNotFoundException { FileName: { } file } => (Program.ExitBadInput, $"error: {file}: file not found"),
        FileNotFoundException or DirectoryNotFoundException => (Program.ExitBadInput, "error: " + OneLine(ex.Message)),
        // Option and parameter checks throw plain ArgumentException; the derived kinds come from broken invariants.
        ArgumentNullException or ArgumentOutOfRangeException => Internal(ex),
        ArgumentException => (Program.ExitBadInput, "error: " + OneLine(ex.Message)),
        _ => Internal(ex),
    };

    private static (int, string) Internal(Exception ex) =>
        (Program.ExitFailure, $"internal error: {OneLine(ex.Message)} ({ex.GetType().Name}{Where(ex)}); this is a defect of cloudxpcs, not of the input");

    private static string Where(Exception ex)
    {
        var frame = new System.Diagnostics.StackTrace(ex, false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("CloudXpcs") == true);
        var method = frame?.GetMethod();
        return method is null ? "" : $" in {method.DeclaringType?.Name}.{method.Name}";
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
