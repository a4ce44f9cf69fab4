using System.Diagnostics;
using System.Text.RegularExpressions;
using CloudXpcs.Infra.Tests.Support;

namespace CloudXpcs.Infra.Tests;

/// <summary>No file tracked by git (or about to be) holds a storage key, a SAS signature or a Service Bus key.</summary>
public sealed class RepositorySecretScanTests
{
    // Azurite's development account key: published in Microsoft's Azurite documentation, valid only against a
    // local emulator, and the only key-looking value allowed in the repository.
    private const string AzuriteDevelopmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Regex SecretLooking = new(
        @"(?<name>AccountKey|SharedAccessKey|SharedAccessSignature)\s*=\s*(?<value>[A-Za-z0-9+/%=&:._-]{16,})" +
        @"|[?&](?<name>sig)=(?<value>[A-Za-z0-9%+/=]{16,})",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    [Fact]
    public void TrackedFiles_ContainNoKeysOrSasTokens()
    {
        IReadOnlyList<string> files = TrackedFiles();
        Assert.Contains("CloudXpcs.sln", files);

        var findings = new List<string>();
        foreach (string relative in files)
        {
            string path = Path.Combine(BuildPaths.RepoRoot, relative);
            if (!File.Exists(path)) continue; // deleted in the working tree but still in the index
            string text = File.ReadAllText(path);
            if (text.Contains('\0')) continue; // binary
            foreach (Match match in SecretLooking.Matches(text))
            {
                if (match.Groups["value"].Value.StartsWith(AzuriteDevelopmentKey, StringComparison.Ordinal)) continue;
                int line = text.AsSpan(0, match.Index).Count('\n') + 1;
                findings.Add($"{relative}:{line}: {match.Groups["name"].Value}=...");
            }
        }
        Assert.Empty(findings);
    }

    // The samples are split around '=' so that this file does not itself hold a secret-shaped string.
    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey", "q8B7xK2mZ0pL4nR6tV9wY1aC3eG5iJ7kM9oQ1sU3wY5==;")]
    [InlineData("https://x.blob.core.windows.net/raw/a.h5?sv=2024-08-04&sr=b&sp=r&sig", "Zm9vYmFyYmF6cXV4cXV1eA%3D%3D")]
    [InlineData("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey", "q8B7xK2mZ0pL4nR6tV9wY1aC3eG5=")]
    [InlineData("SharedAccessSignature", "sv=2024-08-04&sr=b&sp=r&se=2030-01-01")]
    public void Scanner_FindsTheSecretShapesItLooksFor(string before, string value) =>
        Assert.Matches(SecretLooking, before + "=" + value);

    [Fact]
    public void Scanner_AllowsOnlyTheAzuriteKey()
    {
        Match match = SecretLooking.Match("AccountName=devstoreaccount1;AccountKey" + "=" + AzuriteDevelopmentKey + ";");
        Assert.True(match.Success);
        Assert.StartsWith(AzuriteDevelopmentKey, match.Groups["value"].Value);
    }

    private static IReadOnlyList<string> TrackedFiles()
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = BuildPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Tracked files plus new files git would track (not ignored), so a secret is caught before it is committed.
        foreach (string argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" }) start.ArgumentList.Add(argument);
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        Task<string> stderr = git.StandardError.ReadToEndAsync();
        string output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git ls-files failed in {BuildPaths.RepoRoot}: {stderr.Result}");
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
