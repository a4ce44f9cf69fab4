using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>Moving files between local folders and blob containers, with MD5 content hashes set on upload.</summary>
public static class BlobTransfer
{
    /// <summary>The MD5 of a file's content (what the blobs' Content-MD5 holds).</summary>
    public static async Task<byte[]> FileMd5Async(string localPath, CancellationToken cancellationToken = default)
    {
        await using var read = File.OpenRead(localPath);
        return await MD5.HashDataAsync(read, cancellationToken);
    }

    public static async Task UploadFileAsync(BlobContainerClient container, string blobName, string localPath, CancellationToken cancellationToken = default)
    {
        byte[] md5 = await FileMd5Async(localPath, cancellationToken);
        await using var stream = File.OpenRead(localPath);
        await container.GetBlobClient(blobName).UploadAsync(stream, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = md5 } },
            cancellationToken);
    }

    public static async Task UploadTextAsync(BlobContainerClient container, string blobName, string text, CancellationToken cancellationToken = default)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        await container.GetBlobClient(blobName).UploadAsync(new BinaryData(bytes),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = MD5.HashData(bytes), ContentType = "application/json" } },
            cancellationToken);
    }

    /// <summary>Every file below <paramref name="folder"/> to {prefix}{relative path with '/'}.</summary>
    public static async Task<int> UploadFolderAsync(BlobContainerClient container, string prefix, string folder, CancellationToken cancellationToken = default)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (file, ct) =>
            await UploadFileAsync(container, prefix + Path.GetRelativePath(folder, file).Replace('\\', '/'), file, ct));
        return files.Count;
    }

    /// <summary>Downloads a blob to a file (temporary name, then rename); with <paramref name="ifMatch"/> only that version.</summary>
    public static async Task DownloadFileAsync(BlobContainerClient container, string blobName, string localPath, ETag? ifMatch = null,
        CancellationToken cancellationToken = default)
    {
        var options = new BlobDownloadToOptions { Conditions = ifMatch is { } etag ? new BlobRequestConditions { IfMatch = etag } : null };
        await AtomicFile.WriteAsync(localPath, temporary => container.GetBlobClient(blobName).DownloadToAsync(temporary, options, cancellationToken));
    }

    /// <summary>The blob's text (at most <paramref name="maxBytes"/>), of version <paramref name="ifMatch"/> when given; null when absent.</summary>
    public static async Task<string?> DownloadTextOrNullAsync(BlobContainerClient container, string blobName, long maxBytes,
        CancellationToken cancellationToken = default, ETag? ifMatch = null)
    {
        try
        {
            var blob = container.GetBlobClient(blobName);
            var properties = await blob.GetPropertiesAsync(ifMatch is { } version ? new BlobRequestConditions { IfMatch = version } : null, cancellationToken);
            if (properties.Value.ContentLength > maxBytes)
                throw new Data.DataContractException(blobName, $"is {properties.Value.ContentLength} bytes, more than the {maxBytes} allowed");
            var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.Value.ETag } },
                cancellationToken);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every blob under {prefix} into {folder}/{name below prefix}; returns the relative names.</summary>
    public static async Task<IReadOnlyList<string>> DownloadPrefixAsync(BlobContainerClient container, string prefix, string folder,
        Func<string, bool>? include = null, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            string relative = item.Name[prefix.Length..];
            if (RawBlobName.Check("x/" + relative).Length > 0) continue;
            if (include is null || include(relative)) names.Add(relative);
        }
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (relative, ct) =>
            await DownloadFileAsync(container, prefix + relative, Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar)), null, ct));
        return names;
    }

    public static async Task CopyAsync(BlobContainerClient container, string fromBlob, string toBlob, CancellationToken cancellationToken = default)
    {
        var source = container.GetBlobClient(fromBlob);
        var content = await source.DownloadContentAsync(cancellationToken);
        await container.GetBlobClient(toBlob).UploadAsync(content.Value.Content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentHash = content.Value.Details.ContentHash } }, cancellationToken);
    }
}
