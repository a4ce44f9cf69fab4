namespace CloudXpcs.Data;

/// <summary>Helpers that keep contract error messages on one line.</summary>
internal static class ErrorText
{
    public static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>"ExceptionType: message" of a library failure, on one line.</summary>
    public static string Describe(Exception ex) => $"{ex.GetType().Name}: {OneLine(ex.Message)}{Cause(ex)}";

    // PureHDF wraps a compression filter's own error in "Filter pipeline failed."; the cause is what says why.
    private static string Cause(Exception ex) =>
        ex.InnerException is { } inner && ex.Message == "Filter pipeline failed." ? $" ({OneLine(inner.Message)})" : "";
}
