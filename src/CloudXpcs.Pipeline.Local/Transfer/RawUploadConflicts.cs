using Azure;
using Azure.Storage.Blobs;
using CloudXpcs.Data;

namespace CloudXpcs.Pipeline.Transfer;

/// <summary>How an upload treats a raw blob that already holds other content.</summary>
public enum RawUploadMode
{
    /// <summary>Raw is immutable: other content under the same name is refused.</summary>
    Immutable,
    /// <summary>
    /// The explicit new-version path (<c>upload --new-version</c>): the changed file becomes the blob's current version.
    /// In Azure the raw container keeps every earlier version (blob versioning); each run.json names the version it analysed.
    /// </summary>
    NewVersion,
}

/// <summary>The clear answers of an upload that meets another upload or other content under the same blob name.</summary>
internal static class RawUploadConflicts
{
    public sealed record ExistingBlob(ETag ETag, byte[]? Md5);

    public static async Task<ExistingBlob?> ExistingAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return new ExistingBlob(properties.ETag, properties.ContentHash);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Whether the blob now holds exactly this content (another process uploaded the same file).</summary>
    public static async Task<bool> HoldsAsync(BlobClient blob, byte[] md5, CancellationToken cancellationToken) =>
        await ExistingAsync(blob, cancellationToken) is { Md5: { } hash } && hash.AsSpan().SequenceEqual(md5);

    /// <summary>A create-only or If-Match write that lost against another writer (or staged blocks that another upload replaced).</summary>
    public static bool IsConcurrentWrite(RequestFailedException e) =>
        e.Status is 409 or 412 || e.ErrorCode is "BlobAlreadyExists" or "ConditionNotMet" or "InvalidBlockList" or "InvalidBlobOrBlock";

    public static DataContractException Changed(string blobName, string file) => new(blobName,
        $"already holds other content than {file}; raw data is immutable, so a changed file is not overwritten " +
        "(upload it with --new-version to make it the blob's new version, or give the beamtime or series a new name)");

    public static DataContractException Concurrent(string blobName) => new(blobName,
        "being uploaded by another process with other content at the same time; nothing was overwritten (check which upload is right, then retry)");
}
