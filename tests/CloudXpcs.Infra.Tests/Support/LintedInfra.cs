namespace CloudXpcs.Infra.Tests.Support;

/// <summary>
/// Every .bicep file of infra/ linted and formatted by two Bicep runs (<c>--pattern</c>) instead of two per file: on a
/// copy of infra/ (bicepconfig.json included) with a probe file in a subfolder whose known warning shows that the
/// pattern reached it.
/// </summary>
public sealed class LintedInfra : IDisposable
{
    public const string ProbeFile = "zz-lint-probe/probe.bicep";
    private readonly string _copy;

    public LintedInfra()
    {
        _copy = Directory.CreateTempSubdirectory("cloudxpcs-infra-lint-").FullName;
        foreach (string file in Directory.EnumerateFiles(BuildPaths.Infra, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(_copy, Path.GetRelativePath(BuildPaths.Infra, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(Path.Combine(_copy, Path.GetDirectoryName(ProbeFile)!));
        File.WriteAllText(Path.Combine(_copy, ProbeFile), "param unusedProbeParameter string\n");
        Lint = BicepCli.RunIn(_copy, "lint", "--pattern", "**/*.bicep");
        Format = BicepCli.RunIn(_copy, "format", "--pattern", "**/*.bicep");
    }

    public BicepRun Lint { get; }

    public BicepRun Format { get; }

    /// <summary>Lint diagnostics of one file (path relative to infra/).</summary>
    public IReadOnlyList<BicepDiagnostic> DiagnosticsOf(string relativePath)
    {
        string full = Path.GetFullPath(Path.Combine(_copy, relativePath));
        return Lint.Diagnostics.Where(d => Path.GetFullPath(Path.Combine(_copy, d.File)) == full).ToList();
    }

    /// <summary>The file as <c>bicep format</c> wrote it.</summary>
    public string Formatted(string relativePath) => File.ReadAllText(Path.Combine(_copy, relativePath));

    public void Dispose()
    {
        try { Directory.Delete(_copy, recursive: true); } catch (IOException) { }
    }
}
