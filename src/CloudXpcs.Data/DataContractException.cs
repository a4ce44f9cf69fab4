namespace CloudXpcs.Data;

/// <summary>
/// Input that breaks the data contract. The message always names the file or blob and the problem,
/// in one line, so that the CLI and the pipeline can report it as is.
/// </summary>
public sealed class DataContractException : Exception
{
    public DataContractException(string source, string problem, Exception? inner = null)
        : base($"{source}: {problem}", inner)
    {
        Source = source;
        Problem = problem;
    }

    /// <summary>The file path or blob name at fault.</summary>
    public new string Source { get; }

    public string Problem { get; }
}
