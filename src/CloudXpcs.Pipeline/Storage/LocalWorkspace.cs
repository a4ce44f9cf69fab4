namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// A private temporary folder for one activity, named cloudxpcs-&lt;purpose&gt;-&lt;process id&gt;-&lt;random&gt;; deleted on
/// dispose. A process that is killed (or exits while an activity runs) cannot delete its folders, and they may hold a
/// series' downloaded chunks: the first workspace a process creates removes those of processes that no longer run.
/// </summary>
public sealed partial class LocalWorkspace : IDisposable
{
    private static readonly Lazy<int> AbandonedSwept = new(() => SweepAbandoned(Path.GetTempPath()));

    private LocalWorkspace(string root) => Root = root;

    public string Root { get; }

    public static LocalWorkspace Create(string purpose)
    {
        _ = AbandonedSwept.Value;
        string root = Path.Combine(Path.GetTempPath(), $"cloudxpcs-{purpose}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(root);
        return new LocalWorkspace(root);
    }

    /// <summary>
    /// Deletes the workspaces under <paramref name="tempRoot"/> whose process no longer runs (a reused process id keeps
    /// its folder until that process ends too); returns how many.
    /// </summary>
    public static int SweepAbandoned(string tempRoot)
    {
        int removed = 0;
        IEnumerable<string> folders;
        try { folders = Directory.EnumerateDirectories(tempRoot, "cloudxpcs-*"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (string folder in folders)
        {
            var match = WorkspaceName().Match(Path.GetFileName(folder));
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out int pid) || ProcessRuns(pid)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool ProcessRuns(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^cloudxpcs-[a-z]+(?:-[a-z]+)*-([0-9]+)-[0-9a-f]{12}$")]
    private static partial System.Text.RegularExpressions.Regex WorkspaceName();

    public string Folder(params string[] parts)
    {
        string path = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Runs offline code on files materialised under <paramref name="rawMirror"/> (default: the root), a folder laid out
    /// like the raw container: a contract error about one of those files is restated with its blob name, so that records
    /// name the blob rather than a temporary path.
    /// </summary>
    public T NamingBlobs<T>(Func<T> work, string? rawMirror = null)
    {
        string mirror = Path.GetFullPath(rawMirror ?? Root);
        try
        {
            return work();
        }
        catch (CloudXpcs.Data.DataContractException e) when (Path.IsPathFullyQualified(e.Source)
            && Path.GetFullPath(e.Source).StartsWith(mirror + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            string blob = Path.GetRelativePath(mirror, e.Source).Replace(Path.DirectorySeparatorChar, '/');
            throw new CloudXpcs.Data.DataContractException(blob, e.Problem, e);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
