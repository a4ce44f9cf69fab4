using System.Reflection;

namespace CloudXpcs.Infra.Tests.Support;

/// <summary>Paths fixed at build time by the project file (the restored Bicep CLI, the checkout's root).</summary>
public static class BuildPaths
{
    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string Infra { get; } = Path.Combine(RepoRoot, "infra");

    public static string BicepExecutable { get; } = Metadata("BicepPath");

    private static string Metadata(string key) =>
        typeof(BuildPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' missing; see CloudXpcs.Infra.Tests.csproj");
}
