using System.Diagnostics;
using System.Text.Json.Nodes;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Tests.Manifests;
using CloudXpcs.Data.Tests.Support;

namespace CloudXpcs.Data.Tests.Inputs;

/// <summary>Hostile JSON documents and special files: each is refused in one line naming the file, quickly.</summary>
public sealed class HostileDocumentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SeriesJson(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(SeriesManifestTests.ContractExample)!.AsObject();
        edit(json);
        string path = _folder.File("series.json");
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    [Theory]
    [InlineData("qmapp", "did you mean 'qmap'")]
    [InlineData("Frame_Time_S", "did you mean 'frame_time_s'")]
    [InlineData("multi_tau", "did you mean 'multitau'")]
    public void AMisspeltSeriesFieldIsRefused(string key, string problem)
    {
        string path = SeriesJson(json => json[key] = new JsonObject());
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), $"unknown key '{key}'", problem);
    }

    [Fact]
    public void AnUnrelatedNewSeriesFieldStaysAccepted()
    {
        string path = SeriesJson(json => json["operator_comment"] = "new in a later contract");
        Assert.True(SeriesManifest.Load(path).Frames > 0);
    }

    [Fact]
    public void AFrameTimeThatOverflowsTheDelaysIsRefused()
    {
        string path = SeriesJson(json => json["frame_time_s"] = 1e308);
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "frame_time_s", "beyond the 1e12 s");
    }

    [Fact]
    public void ADuplicateKeyDeepInsideADocumentIsRefused()
    {
        string path = _folder.File("doc.json");
        File.WriteAllText(path, """{ "a": [ { "b": 1, "c": { "d": 1, "d": 2 } } ] }""");
        ContractAssert.Throws(path, () => StrictJson.Load(path).Dispose(), "duplicate key 'a[0].c.d'");
    }

    [Fact]
    public void AFileOverTheCapIsRefusedAfterCountingBytes()
    {
        string path = _folder.File("big.json");
        File.WriteAllBytes(path, new byte[1025]);
        ContractAssert.Throws(path, () => InputFile.ReadAllBytes(path, 1024), "more than the 1024 bytes");
        Assert.Equal(1025, InputFile.ReadAllBytes(path, 1025).Length);
    }

    [SkippableFact]
    public void AFifoIsRefusedWithoutBlocking()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "FIFOs are made with mkfifo on Linux");
        string path = _folder.File("series.json");
        using (var mkfifo = Process.Start("mkfifo", [path])) mkfifo.WaitForExit();
        var watch = Stopwatch.StartNew();
        ContractAssert.Throws(path, () => SeriesManifest.Load(path), "not a regular file (a FIFO)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [SkippableFact]
    public void ALinkToADeviceIsRefused()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/dev/zero");
        string path = _folder.File("calibration.json");
        File.CreateSymbolicLink(path, "/dev/zero");
        ContractAssert.Throws(path, () => StrictJson.Load(path).Dispose(), "outside its folder");
    }

    [Fact]
    public void ALinkInsideTheFolderIsFollowed()
    {
        File.WriteAllText(_folder.File("real.json"), "{}");
        string path = _folder.File("link.json");
        File.CreateSymbolicLink(path, "real.json");
        using var document = StrictJson.Load(path);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
