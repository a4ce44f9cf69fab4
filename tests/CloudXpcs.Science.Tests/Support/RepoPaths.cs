namespace CloudXpcs.Science.Tests.Support;

/// <summary>Locates the repository root (the folder holding CloudXpcs.sln) and the shared data beside it.</summary>
public static class RepoPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Where the shared data are expected: ../shared/data beside the checkout (README, "Shared data").</summary>
    public static string ExpectedSharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    /// <summary>A skip message naming what is missing and where it comes from.</summary>
    public static string Missing(string what) => $"{what} not present (shared data expected in {ExpectedSharedData}; README, \"Shared data\")";

    /// <summary>../shared/data beside the checkout, or null when absent (tests then skip).</summary>
    public static string? SharedData
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CloudXpcs.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CloudXpcs.sln not found above " + AppContext.BaseDirectory);
    }
}
