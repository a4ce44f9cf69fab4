namespace CloudXpcs.Data;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so that no partial
/// file ever exists under the final name (a watcher or a reader sees the old file or the whole new one).
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTemporaryFile) =>
        WriteAsync(path, temporaryPath => { writeTemporaryFile(temporaryPath); return Task.CompletedTask; }).GetAwaiter().GetResult();

    public static async Task WriteAsync(string path, Func<string, Task> writeTemporaryFile)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        string temporaryPath = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await writeTemporaryFile(temporaryPath);
            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporaryPath)) File.Delete(temporaryPath);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, temporaryPath => File.WriteAllText(temporaryPath, text));

    /// <summary>A UTF-8 text file (no BOM, "\n" line ends) written through a <see cref="TextWriter"/>.</summary>
    public static void WriteText(string path, Action<TextWriter> write) =>
        Write(path, temporaryPath =>
        {
            using var writer = new StreamWriter(temporaryPath, append: false, new System.Text.UTF8Encoding(false));
            writer.NewLine = "\n";
            write(writer);
        });
}
