namespace CloudXpcs.Pipeline.Contracts;

/// <summary>Series status values in the series and analyses tables.</summary>
public static class SeriesStatus
{
    public const string Incomplete = "incomplete";
    public const string Stale = "stale";
    public const string Queued = "queued";
    public const string Analysing = "analysing";
    public const string Analysed = "analysed";
    public const string Failed = "failed";
}

/// <summary>Run status values.</summary>
public static class RunStatus
{
    public const string Running = "running";
    public const string Completed = "completed";
    /// <summary>Every step ran but at least one series was not analysed (failed, quarantined, stale or incomplete).</summary>
    public const string CompletedWithFailures = "completed with failures";
    public const string Failed = "failed";
}
