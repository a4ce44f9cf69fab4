using CloudXpcs.Infra.Tests.Support;

namespace CloudXpcs.Infra.Tests;

/// <summary>The Bicep CLI compiles and lints infra/ with no warning and no error (warnings fail CI).</summary>
[Collection(CompiledInfraCollection.Name)]
public sealed class BicepBuildTests(CompiledInfra infra)
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
    public void EveryBicepFile_LintsCleanAndIsFormatted(string relativePath)
    {
        var problems = infra.Linted.DiagnosticsOf(relativePath).Where(d => d.Level != "Info").Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, $"bicep lint {relativePath}: {string.Join("; ", problems)}");
        Assert.True(infra.Linted.Formatted(relativePath) == File.ReadAllText(Path.Combine(BuildPaths.Infra, relativePath)),
            $"{relativePath} is not as `bicep format` writes it; run: bicep format infra/{relativePath}");
    }

    [Fact]
    public void TheLintAndFormatOfAllFilesRanCleanlyAndReachedEveryFolder()
    {
        // Also guards the diagnostics parser: the probe's known problem must come back as a parsed warning.
        Assert.True(infra.Linted.Lint.ExitCode == 0, $"bicep lint --pattern exited {infra.Linted.Lint.ExitCode}: {infra.Linted.Lint.StandardError}");
        Assert.True(infra.Linted.Format.ExitCode == 0, $"bicep format --pattern exited {infra.Linted.Format.ExitCode}: {infra.Linted.Format.StandardError}");
        Assert.Contains(infra.Linted.DiagnosticsOf(LintedInfra.ProbeFile), d => d.Level == "Warning" && d.Code == "no-unused-params" && d.Line == 1);
        // Every stderr line is a diagnostic (those of infra/'s files are checked file by file above).
        Assert.Empty(infra.Linted.Lint.Problems.Except(infra.Linted.Lint.Diagnostics.Select(d => d.ToString())));
        Assert.Empty(infra.Linted.Format.StandardError);
    }

    [Fact]
    public void ApiVersions_AreTheNewestStableOnesThePinnedCliKnows()
    {
        // use-recent-api-versions compares API versions with today's date. Linting a copy of infra/ as if it were
        // 2099 (the rule's "test-today" switch) leaves only the newest stable version of each type acceptable, so
        // passing here means the real lint cannot start failing as time goes by.
        string copy = Directory.CreateTempSubdirectory("cloudxpcs-infra-2099-").FullName;
        try
        {
            foreach (string file in Directory.EnumerateFiles(BuildPaths.Infra, "*.bicep", SearchOption.AllDirectories))
            {
                string target = Path.Combine(copy, Path.GetRelativePath(BuildPaths.Infra, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            File.WriteAllText(Path.Combine(copy, "bicepconfig.json"),
                """{ "analyzers": { "core": { "rules": { "use-recent-api-versions": { "level": "warning", "test-today": "2099-01-01" } } } } }""");

            // The switch is live: an old API version is reported under it. One lint of every file, modules included.
            File.WriteAllText(Path.Combine(copy, "old.bicep"),
                "resource old 'Microsoft.Storage/storageAccounts@2023-01-01' existing = {\n  name: 'x'\n}\noutput id string = old.id\n");
            BicepRun run = BicepCli.RunIn(copy, "lint", "--pattern", "**/*.bicep");
            Assert.Equal(0, run.ExitCode);
            var outdated = run.Diagnostics.Where(d => d.Code == "use-recent-api-versions").ToList();
            Assert.Empty(outdated.Where(d => Path.GetFileName(d.File) != "old.bicep").Select(d => d.ToString()));
            Assert.Contains(outdated, d => Path.GetFileName(d.File) == "old.bicep");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
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
