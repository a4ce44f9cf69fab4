using Azure;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Data;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>
/// Poison-input quarantine: every start of a heavy activity on one input is counted in a small blob beside the
/// analysis ({beamtime}/analyses/{series}/{analysisId}.attempts/{activity}), before the work. A count the retry policy
/// alone cannot reach means that earlier attempts never finished (the worker crashed or was killed while reading this
/// input): the input is quarantined (a permanent failure of its series, with the reason) instead of being redelivered
/// forever and taking the host, and every other beamtime on it, down again.
/// </summary>
public static class ActivityAttempts
{
    /// <summary>Starts of one activity on one input before it is quarantined (the retry policy makes at most 4).</summary>
    public const int Limit = 6;

    public static string BlobName(string beamtime, string series, string analysisId, string key) =>
        $"{beamtime}/analyses/{series}/{analysisId}.attempts/{key}";

    /// <summary>Counts this start; throws the quarantine failure when the limit is passed.</summary>
    public static async Task<int> CountAsync(PipelineStorage storage, string beamtime, string series, string analysisId, string key,
        CancellationToken cancellationToken = default)
    {
        var blob = storage.Results.GetBlobClient(BlobName(beamtime, series, analysisId, key));
        for (int race = 0; ; race++)
        {
            int count = 0;
            ETag? etag = null;
            try
            {
                var content = await blob.DownloadContentAsync(cancellationToken);
                count = int.Parse(content.Value.Content.ToString(), System.Globalization.CultureInfo.InvariantCulture);
                etag = content.Value.Details.ETag;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
            }
            if (count >= Limit)
                throw new DataContractException($"{beamtime}/xpcs/{series}",
                    $"quarantined after {count} attempts of {key} that did not finish (the worker crashed or was stopped while processing this input); " +
                    "the input is not retried again");
            try
            {
                await blob.UploadAsync(BinaryData.FromString((count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), new BlobUploadOptions
                {
                    Conditions = etag is { } seen ? new BlobRequestConditions { IfMatch = seen } : new BlobRequestConditions { IfNoneMatch = ETag.All },
                }, cancellationToken);
                return count + 1;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && race < 20)
            {
            }
        }
    }
}
