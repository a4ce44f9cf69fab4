using Azure.Storage.Blobs.Models;
using CloudXpcs.Data.Results;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>The beamtime-level raw blobs a run reads (everything outside xpcs/), with the versions present when it is planned.</summary>
public static class BeamtimeInputVersions
{
    public static async Task<List<RunJsonInput>> ListAsync(PipelineStorage storage, string beamtime, CancellationToken cancellationToken = default)
    {
        var inputs = new List<RunJsonInput>();
        string series = beamtime + "/" + Data.Manifests.SeriesManifest.XpcsFolder + "/";
        await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = beamtime + "/" }, cancellationToken))
        {
            if (blob.Name.StartsWith(series, StringComparison.Ordinal)) continue;
            inputs.Add(new RunJsonInput(blob.Name[(beamtime.Length + 1)..],
                blob.Properties.ContentHash is { Length: > 0 } md5 ? Convert.ToBase64String(md5) : null, blob.Properties.ContentLength ?? 0)
            {
                ETag = blob.Properties.ETag?.ToString(),
            });
        }
        return inputs;
    }
}
