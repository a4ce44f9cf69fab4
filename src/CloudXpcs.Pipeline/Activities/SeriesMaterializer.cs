using Azure;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// Copies the exact content of an analysis (the blobs its id was computed from) into a local series folder, so that
/// the offline analysis code runs on it unchanged. A blob that changed since then fails the download (If-Match), so
/// results never mix two uploads; the newer upload has its own analysis.
/// </summary>
internal static class SeriesMaterializer
{
    public static async Task<string> DownloadAsync(PipelineStorage storage, string beamtime, string series, string analysisId, QMapOverride? qmap,
        LocalWorkspace workspace, bool withChunks, CancellationToken cancellationToken)
    {
        var (content, incomplete) = await AnalysisIdentity.LoadAsync(storage, beamtime, series, cancellationToken);
        if (content is null) throw new DataContractException($"{beamtime}/xpcs/{series}", incomplete!.Reason);
        if (content.AnalysisId(qmap) != analysisId)
            throw new DataContractException($"{beamtime}/xpcs/{series}",
                $"the uploaded content changed after analysis {analysisId} was planned; the newer upload is analysed separately");
        string beamtimeFolder = workspace.Folder(beamtime);
        string folder = workspace.Folder(beamtime, "xpcs", series);
        string manifestBlob = content.SeriesFolderBlob + SeriesManifest.FileName;
        string manifestPath = Path.Combine(folder, SeriesManifest.FileName);
        try
        {
            await BlobTransfer.DownloadFileAsync(storage.Raw, manifestBlob, manifestPath, new ETag(content.Row.ManifestETag!), cancellationToken);
            if (qmap is not null)
            {
                qmap.Validate();
                (SeriesManifest.Load(manifestPath) with { QMap = qmap.ToSpec() }).Save(manifestPath);
            }
            if (content.MaskBlob is not null)
                await BlobTransfer.DownloadFileAsync(storage.Raw, content.MaskBlob, Path.Combine(folder, content.Row.MaskPath!),
                    new ETag(content.MaskETag!), cancellationToken);
            string beamtimeJson = beamtime + "/" + BeamtimeManifest.FileName;
            if (await storage.Raw.GetBlobClient(beamtimeJson).ExistsAsync(cancellationToken))
                await BlobTransfer.DownloadFileAsync(storage.Raw, beamtimeJson, Path.Combine(beamtimeFolder, BeamtimeManifest.FileName), null, cancellationToken);
            if (withChunks)
            {
                await Parallel.ForEachAsync(content.Chunks, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                    async (chunk, ct) => await BlobTransfer.DownloadFileAsync(storage.Raw, chunk.BlobName,
                        Path.Combine(folder, Path.GetFileName(chunk.BlobName)), new ETag(chunk.BlobETag), ct));
            }
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DataContractException($"{beamtime}/xpcs/{series}",
                $"a blob was replaced or deleted while analysis {analysisId} read it ({e.ErrorCode}); the newer upload is analysed separately");
        }
        return folder;
    }
}
