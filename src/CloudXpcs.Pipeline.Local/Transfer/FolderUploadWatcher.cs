namespace CloudXpcs.Pipeline.Transfer;

/// <summary>
/// Follows a detector output folder and uploads every file once it is complete: its size and modification time have
/// not changed for the settle time and <c>isComplete</c> accepts it (e.g. an HDF5 chunk opens). A file is uploaded
/// again only when it changes afterwards.
/// </summary>
public sealed class FolderUploadWatcher(string folder, string beamtime, BeamtimeUploader uploader, TimeSpan settle, Func<string, bool> isComplete)
{
    private readonly Dictionary<string, (long Length, DateTime Written, DateTime FirstSeenUtc)> _pending = new();
    private readonly Dictionary<string, (long Length, DateTime Written)> _uploaded = new();

    /// <summary>Uploads what is complete now; returns the blob names uploaded in this pass.</summary>
    public async Task<IReadOnlyList<string>> ScanOnceAsync(DateTime nowUtc, CancellationToken cancellationToken = default)
    {
        var done = new List<string>();
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".part", StringComparison.Ordinal) || file.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            var info = new FileInfo(file);
            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (_uploaded.TryGetValue(file, out var uploaded) && uploaded == stamp) continue;
            if (!_pending.TryGetValue(file, out var seen) || (seen.Length, seen.Written) != stamp)
            {
                _pending[file] = (stamp.Length, stamp.LastWriteTimeUtc, nowUtc);
                continue;
            }
            if (nowUtc - seen.FirstSeenUtc < settle || !isComplete(file)) continue;
            string blobName = beamtime + "/" + Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (await uploader.UploadFileAsync(file, blobName, cancellationToken)) done.Add(blobName);
            _uploaded[file] = stamp;
            _pending.Remove(file);
        }
        return done;
    }

    public async Task<int> RunAsync(Action<string> uploaded, CancellationToken cancellationToken)
    {
        int total = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (string name in await ScanOnceAsync(DateTime.UtcNow, CancellationToken.None)) { uploaded(name); total++; }
            try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(settle.TotalMilliseconds / 4, 50, 1000)), cancellationToken); }
            catch (OperationCanceledException) { break; }
        }
        return total;
    }
}
