using System.Security.Cryptography;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>Raw is immutable: re-uploads of changed content and concurrent uploads of one beamtime get a clear answer.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RawUploadTests(AzuriteFixture azurite) : IDisposable
{
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    private string WriteFile(string name, int seed, int bytes = 200_000)
    {
        var content = new byte[bytes];
        new Random(seed).NextBytes(content);
        string path = _bed.Temp.File(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private async Task<string> RawMd5Async(string blob) =>
        Convert.ToBase64String((await _bed.Storage.Raw.GetBlobClient(blob).GetPropertiesAsync()).Value.ContentHash);

    [Fact]
    public async Task A_changed_file_is_refused_naming_the_blob_and_raw_keeps_its_content_unless_the_new_version_path_is_used()
    {
        await _bed.Storage.CreateIfNotExistsAsync();
        const string blob = "bt/xpcs/s1/chunk-00000.h5";
        string original = WriteFile("original", 1), changed = WriteFile("changed", 2);
        var uploader = new BeamtimeUploader(_bed.Storage.Raw);
        Assert.True(await uploader.UploadFileAsync(original, blob));
        Assert.False(await uploader.UploadFileAsync(original, blob)); // same content: nothing to do

        var e = await Assert.ThrowsAsync<DataContractException>(() => uploader.UploadFileAsync(changed, blob));
        Assert.Equal(blob, e.Source);
        Assert.Contains("raw data is immutable", e.Problem);
        Assert.Contains("--new-version", e.Problem);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(original))), await RawMd5Async(blob));

        Assert.True(await new BeamtimeUploader(_bed.Storage.Raw, mode: RawUploadMode.NewVersion).UploadFileAsync(changed, blob));
        Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(changed))), await RawMd5Async(blob));
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_beamtime_store_each_blob_once_or_answer_clearly()
    {
        await _bed.Storage.CreateIfNotExistsAsync();
        var same = Enumerable.Range(0, 12).Select(i => WriteFile($"same{i}", 100 + i)).ToList();
        var other = Enumerable.Range(0, 12).Select(i => WriteFile($"other{i}", 200 + i)).ToList();
        string Blob(int i) => $"bt/xpcs/s2/chunk-{i:D5}.h5";

        // Two processes upload the same files at once: every blob stored once, the other upload answered "already there".
        var a = new BeamtimeUploader(_bed.Storage.Raw);
        var b = new BeamtimeUploader(_bed.Storage.Raw);
        var results = await Task.WhenAll(Enumerable.Range(0, same.Count).SelectMany(i => new[]
        {
            a.UploadFileAsync(same[i], Blob(i)), b.UploadFileAsync(same[i], Blob(i)),
        }));
        for (int i = 0; i < same.Count; i++)
        {
            Assert.Equal(1, (results[2 * i] ? 1 : 0) + (results[2 * i + 1] ? 1 : 0));
            Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(same[i]))), await RawMd5Async(Blob(i)));
        }

        // Two processes upload different content under the same names at once: one wins each blob, the other gets a
        // refusal naming the blob (never a raw 409/412), and the blob holds the winner's content whole.
        var answers = await Task.WhenAll(Enumerable.Range(0, same.Count).SelectMany(i => new[]
        {
            Answer(a.UploadFileAsync(same[i], Blob(100 + i))), Answer(b.UploadFileAsync(other[i], Blob(100 + i))),
        }));
        for (int i = 0; i < same.Count; i++)
        {
            var (first, second) = (answers[2 * i], answers[2 * i + 1]);
            Assert.True((first.Stored ? 1 : 0) + (second.Stored ? 1 : 0) == 1, $"{Blob(100 + i)}: {first} / {second}");
            var refused = first.Stored ? second : first;
            Assert.Equal(Blob(100 + i), refused.Refusal!.Source);
            Assert.Matches("being uploaded by another process|raw data is immutable", refused.Refusal.Problem);
            string winner = first.Stored ? same[i] : other[i];
            Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(winner))), await RawMd5Async(Blob(100 + i)));
        }
    }

    private sealed record UploadAnswer(bool Stored, DataContractException? Refusal);

    private static async Task<UploadAnswer> Answer(Task<bool> upload)
    {
        try { return new UploadAnswer(await upload, null); }
        catch (DataContractException e) { return new UploadAnswer(false, e); }
    }
}
