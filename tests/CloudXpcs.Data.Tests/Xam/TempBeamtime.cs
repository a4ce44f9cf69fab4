namespace CloudXpcs.Data.Tests.Xam;

/// <summary>A beamtime folder with an xam/ subfolder under the temp directory, deleted on dispose.</summary>
internal sealed class TempBeamtime : IDisposable
{
    public TempBeamtime()
    {
        Root = Path.Combine(Path.GetTempPath(), "cloudxpcs-xam-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(XamDirectory);
    }

    public string Root { get; }

    public string XamDirectory => Path.Combine(Root, "xam");

    public string Xam(string fileName) => Path.Combine(XamDirectory, fileName);

    public string WriteXam(string fileName, string text)
    {
        string path = Xam(fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
