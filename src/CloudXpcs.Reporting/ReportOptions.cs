namespace CloudXpcs.Reporting;

/// <summary>Options of <see cref="RunReport.Write"/>.</summary>
public sealed record ReportOptions
{
    /// <summary>Version shown in the provenance when the run has no run.json (default: this assembly's).</summary>
    public string ToolVersion { get; init; } =
        typeof(RunReport).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";

    /// <summary>How the provenance names the run folder when the report is written from a temporary copy (the pipeline); null = its path.</summary>
    public string? RunFolderLabel { get; init; }

    /// <summary>Receives the number of figures drawn so far, out of the total.</summary>
    public Action<int, int>? FiguresDone { get; init; }

    /// <summary>Figures drawn at once (default: the processor count).</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>What <see cref="RunReport.Write"/> wrote.</summary>
public sealed record ReportSummary(string IndexPath, IReadOnlyList<string> FigureFiles, IReadOnlyList<string> MissingSections)
{
    public int FigureCount => FigureFiles.Count;
}
