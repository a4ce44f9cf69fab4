using System.Diagnostics;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>Workspaces left by killed processes are removed; those of running processes and other folders stay.</summary>
public class LocalWorkspaceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cloudxpcs-workspace-tests-" + Guid.NewGuid().ToString("N"));

    public LocalWorkspaceTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Sweep_removes_only_the_workspaces_of_processes_that_no_longer_run()
    {
        int deadPid = ExitedProcessId();
        string abandoned = Folder($"cloudxpcs-correlate-{deadPid}-0123456789ab", withFile: true);
        string abandonedTwoWords = Folder($"cloudxpcs-fit-result-{deadPid}-abcdef012345", withFile: false);
        string mine = Folder($"cloudxpcs-fit-{Environment.ProcessId}-0123456789ab", withFile: true);
        string otherName = Folder($"cloudxpcs-azurite-0123456789ab", withFile: false);
        string notOurs = Folder($"something-fit-{deadPid}-0123456789ab", withFile: false);

        Assert.Equal(2, LocalWorkspace.SweepAbandoned(_root));
        Assert.False(Directory.Exists(abandoned));
        Assert.False(Directory.Exists(abandonedTwoWords));
        Assert.True(Directory.Exists(mine));
        Assert.True(Directory.Exists(otherName));
        Assert.True(Directory.Exists(notOurs));
    }

    [Fact]
    public void A_workspace_is_named_for_its_process_and_deleted_on_dispose()
    {
        string root;
        using (var workspace = LocalWorkspace.Create("fit"))
        {
            root = workspace.Root;
            Assert.Matches($"^cloudxpcs-fit-{Environment.ProcessId}-[0-9a-f]{{12}}$", Path.GetFileName(root));
            File.WriteAllText(Path.Combine(workspace.Folder("bt"), "x"), "x");
        }
        Assert.False(Directory.Exists(root));
    }

    private string Folder(string name, bool withFile)
    {
        string path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        if (withFile) File.WriteAllText(Path.Combine(path, "chunk.h5"), "data");
        return path;
    }

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
