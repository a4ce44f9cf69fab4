using CloudXpcs.Infra.Tests.Support;

namespace CloudXpcs.Infra.Tests;

/// <summary>The Bicep CLI compiles and lints infra/ with no warning and no error (warnings fail CI).</summary>
public sealed class BicepBuildTests(CompiledInfra infra) : IClassFixture<CompiledInfra>
{
    [Fact]
    public void BicepCli_IsThePinnedVersion()
    {
        BicepRun run = BicepCli.Run("--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Bicep CLI version 0.49.2", run.StandardOutput);
    }

    [Fact]
    public void MainTemplate_BuildsWithoutWarnings()
    {
        Assert.Equal(0, infra.MainBuild.ExitCode);
        Assert.Empty(infra.MainBuild.Problems);
        Assert.NotEmpty(infra.Main.Modules);
    }

    [Fact]
    public void BlobEventsTemplate_BuildsWithoutWarnings()
    {
        Assert.Equal(0, infra.BlobEventsBuild.ExitCode);
        Assert.Empty(infra.BlobEventsBuild.Problems);
    }

    public static TheoryData<string> BicepFiles()
    {
        var files = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(BuildPaths.Infra, "*.bicep", SearchOption.AllDirectories).Order())
            files.Add(Path.GetRelativePath(BuildPaths.Infra, path));
        return files;
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void EveryBicepFile_LintsClean(string relativePath)
    {
        BicepRun run = BicepCli.Run("lint", relativePath);
        Assert.True(run.ExitCode == 0, $"bicep lint {relativePath} exited {run.ExitCode}: {run.StandardError}");
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void Linter_ReportsWarningsThatTheTestsWouldCatch()
    {
        // Guards the diagnostics parser: a file with a known problem must produce a parsed warning.
        string directory = Directory.CreateTempSubdirectory("cloudxpcs-lint-probe-").FullName;
        string probe = Path.Combine(directory, "probe.bicep");
        File.WriteAllText(probe, "param unusedProbeParameter string\n");
        try
        {
            BicepRun run = BicepCli.Run("lint", probe);
            Assert.Contains(run.Diagnostics, d => d.Level == "Warning" && d.Code == "no-unused-params" && d.Line == 1);
            Assert.NotEmpty(run.Problems);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void LinterConfig_SetsEveryListedRuleToWarningOrError()
    {
        string config = File.ReadAllText(Path.Combine(BuildPaths.Infra, "bicepconfig.json"));
        var levels = System.Text.RegularExpressions.Regex.Matches(config, "\"level\"\\s*:\\s*\"(?<level>[a-z]+)\"")
            .Select(m => m.Groups["level"].Value).ToList();
        Assert.NotEmpty(levels);
        Assert.All(levels, level => Assert.Contains(level, new[] { "warning", "error" }));
    }
}
