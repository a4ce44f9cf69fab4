using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;
using CloudXpcs.Data.Inputs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Transfer;

/// <summary>What one upload did.</summary>
public sealed record UploadSummary(int Uploaded, int Skipped, long Bytes, IReadOnlyList<string> UploadedNames);

/// <summary>
/// Facility-to-cloud transfer of a beamtime folder into raw/{beamtime}/: parallel, resumable (a blob already present
/// with the same MD5 is skipped) and verified (the MD5 travels with every request and the service checks it, and is
/// stored as the blob's Content-MD5).
/// </summary>
public sealed class BeamtimeUploader(BlobContainerClient raw, int parallelism = 4, RawUploadMode mode = RawUploadMode.Immutable)
{
    /// <summary>The beamtime name of a folder: beamtime.json's "beamtime", else the folder name.</summary>
    public static string BeamtimeName(string folder)
    {
        string manifest = Path.Combine(folder, BeamtimeManifest.FileName);
        string name = File.Exists(manifest) ? BeamtimeManifest.Load(manifest).Beamtime : new DirectoryInfo(folder).Name;
        if (RawBlobName.Check(name + "/x").Length > 0) throw new DataContractException(folder, $"beamtime name '{name}' is not a valid blob name segment");
        return name;
    }

    public async Task<UploadSummary> UploadFolderAsync(string folder, string beamtime, IProgress<string>? uploaded = null,
        CancellationToken cancellationToken = default)
    {
        folder = Path.GetFullPath(folder);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        int skipped = 0;
        long bytes = 0;
        var names = new List<string>();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (file, ct) =>
            {
                string blobName = beamtime + "/" + Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
                if (RawBlobName.Check(blobName) is { Length: > 0 } problem)
                    throw new DataContractException(file, $"cannot be uploaded as '{RawBlobName.Printable(blobName)}': {problem}");
                bool done = await UploadFileAsync(file, blobName, ct);
                lock (names)
                {
                    if (done) { names.Add(blobName); bytes += new FileInfo(file).Length; }
                    else skipped++;
                }
                if (done) uploaded?.Report(blobName);
            });
        return new UploadSummary(names.Count, skipped, bytes, names);
    }

    /// <summary>
    /// Uploads one file unless the blob already has its MD5; true when it uploaded. Raw data is immutable: a blob that
    /// holds other content is refused (a <see cref="DataContractException"/> naming the blob) unless
    /// <paramref name="mode"/> is <see cref="RawUploadMode.NewVersion"/>; a blob another process writes at the same time
    /// ends as "the same content" (no upload) or as a clear refusal, never as a raw 409/412.
    /// </summary>
    public async Task<bool> UploadFileAsync(string file, string blobName, CancellationToken cancellationToken = default) =>
        await UploadFileAsync(file, blobName, mode, cancellationToken);

    public async Task<bool> UploadFileAsync(string file, string blobName, RawUploadMode uploadMode, CancellationToken cancellationToken = default)
    {
        // Never a FIFO or device (the upload would block or never end) nor a link to a file outside the upload.
        InputFile.RequireRegularFile(file);
        byte[] md5 = await BlobTransfer.FileMd5Async(file, cancellationToken);
        var blob = raw.GetBlobClient(blobName);
        var existing = await RawUploadConflicts.ExistingAsync(blob, cancellationToken);
        if (existing is { } current)
        {
            if (current.Md5 is { } hash && hash.AsSpan().SequenceEqual(md5)) return false;
            if (uploadMode != RawUploadMode.NewVersion) throw RawUploadConflicts.Changed(blobName, file);
        }
        // Create-only, or replace exactly the version seen (new-version path): a concurrent writer makes this fail cleanly.
        var conditions = existing is { } seen ? new BlobRequestConditions { IfMatch = seen.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        Response<BlobContentInfo> response;
        try
        {
            await using var stream = File.OpenRead(file);
            response = await blob.UploadAsync(stream, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
                Conditions = conditions,
                TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
            }, cancellationToken);
        }
        catch (RequestFailedException e) when (RawUploadConflicts.IsConcurrentWrite(e))
        {
            if (await RawUploadConflicts.HoldsAsync(blob, md5, cancellationToken)) return false; // another process uploaded the same content
            throw RawUploadConflicts.Concurrent(blobName);
        }
        try
        {
            var stored = await blob.GetPropertiesAsync(new BlobRequestConditions { IfMatch = response.Value.ETag }, cancellationToken);
            if (stored.Value.ContentHash is not { } hash || !hash.AsSpan().SequenceEqual(md5))
                throw new IOException($"{blobName}: the stored MD5 does not match {file} after upload");
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw RawUploadConflicts.Concurrent(blobName);
        }
        return true;
    }
}
