using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// The exact raw blob versions an analysis reads (series.json, chunks, mask, or the result file of a series given as one: name, ETag, MD5, bytes), captured when the
/// analysis is claimed and kept beside its results as {beamtime}/analyses/{series}/{analysisId}.inputs.json. The
/// activities download exactly these ETags (If-Match), so run.json lists what was analysed, not what raw holds later.
/// </summary>
public static class AnalysisInputs
{
    public static string BlobName(string beamtime, string series, string analysisId) => $"{beamtime}/analyses/{series}/{analysisId}.inputs.json";

    /// <summary>The blob versions of a complete series content, in run.json's input form (names relative to the beamtime).</summary>
    public static IReadOnlyList<RunJsonInput> Of(SeriesContent content)
    {
        string folder = content.SeriesFolderBlob[(content.Beamtime.Length + 1)..];
        var inputs = new List<RunJsonInput>
        {
            Input(folder + Data.Manifests.SeriesManifest.FileName, content.Row.ManifestMd5, content.Row.ManifestETag, null),
        };
        inputs.AddRange(content.Chunks.Select(c => Input(c.BlobName[(content.Beamtime.Length + 1)..], c.ContentMd5, c.BlobETag, c.Bytes)));
        if (content.MaskBlob is not null) inputs.Add(Input(content.MaskBlob[(content.Beamtime.Length + 1)..], content.MaskHash, content.MaskETag, null));
        if (content.ResultBlob is not null) inputs.Add(Input(content.ResultBlob[(content.Beamtime.Length + 1)..], content.ResultHash, content.ResultETag, null));
        return inputs;
    }

    /// <summary>Records the versions once (create-only: a retry or a second claim keeps the first capture).</summary>
    public static async Task CaptureAsync(PipelineStorage storage, SeriesContent content, string analysisId, CancellationToken cancellationToken = default)
    {
        var inputs = new List<RunJsonInput>();
        foreach (var input in Of(content))
        {
            if (input.Bytes > 0 || input.ETag is null) { inputs.Add(input); continue; }
            // series.json, the mask and a result file: their size, of exactly the version the tables name.
            var properties = await storage.Raw.GetBlobClient(content.Beamtime + "/" + input.Blob)
                .GetPropertiesAsync(new BlobRequestConditions { IfMatch = new ETag(input.ETag) }, cancellationToken);
            inputs.Add(input with { Bytes = properties.Value.ContentLength });
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(inputs);
        try
        {
            await storage.Results.GetBlobClient(BlobName(content.Beamtime, content.Series, analysisId)).UploadAsync(new BinaryData(json),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentHash = System.Security.Cryptography.MD5.HashData(json) },
                }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
        }
    }

    /// <summary>The captured versions of an analysis; null for an analysis recorded before captures existed.</summary>
    public static async Task<IReadOnlyList<RunJsonInput>?> ReadAsync(PipelineStorage storage, string beamtime, string series, string analysisId,
        CancellationToken cancellationToken = default)
    {
        string? text = await BlobTransfer.DownloadTextOrNullAsync(storage.Results, BlobName(beamtime, series, analysisId), 64 << 20, cancellationToken);
        return text is null ? null : JsonSerializer.Deserialize<List<RunJsonInput>>(text);
    }

    /// <summary>"md5:BASE64" (the content hash of the tables) as run.json's base64 MD5; null for an ETag-only hash.</summary>
    private static RunJsonInput Input(string blob, string? contentHash, string? etag, long? bytes) =>
        new(blob, contentHash is { } h && h.StartsWith("md5:", StringComparison.Ordinal) ? h[4..] : null, bytes ?? 0) { ETag = etag };
}
