using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Science.Comparison;
using CloudXpcs.Data.Comparison;
using Azure;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Geometry;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// One analysis' series as the activities use it: its folder in the workspace (laid out like the raw container, so
/// that errors name blobs), its manifest with the run's q/φ binning applied and its mask, read once.
/// </summary>
internal sealed record MaterializedSeries(string Folder, string ManifestBlob, SeriesManifest Manifest, byte[]? Mask)
{
    /// <summary>The q-map of the analysis (the run's binning, the series' mask), as the correlator builds it.</summary>
    public QMap BuildQMap(string source) => SeriesCorrelation.BuildQMap(Manifest, Mask, source, Folder);
}

/// <summary>
/// Copies the exact content of an analysis (the blobs its id was computed from) into a local series folder, so that
/// the offline analysis code runs on it unchanged. A blob that changed since then fails the download (If-Match), so
/// results never mix two uploads; the newer upload has its own analysis.
/// </summary>
internal static class SeriesMaterializer
{
    public static async Task<MaterializedSeries> DownloadAsync(PipelineStorage storage, string beamtime, string series, string analysisId, QMapOverride? qmap,
        LocalWorkspace workspace, bool withChunks, CancellationToken cancellationToken, TwoTimeParameters? twoTime = null)
    {
        var (content, incomplete) = await AnalysisIdentity.LoadAsync(storage, beamtime, series, cancellationToken);
        if (content is null) throw new DataContractException($"{beamtime}/xpcs/{series}", incomplete!.Reason);
        if (content.AnalysisId(qmap, twoTime) != analysisId)
            throw new DataContractException($"{beamtime}/xpcs/{series}",
                $"the uploaded content changed after analysis {analysisId} was planned; the newer upload is analysed separately");
        // Exactly the versions captured when the analysis was claimed (run.json lists them).
        var captured = await AnalysisInputs.ReadAsync(storage, beamtime, series, analysisId, cancellationToken);
        if (captured is not null && !AnalysisInputs.Of(content).Select(i => (i.Blob, i.ETag)).SequenceEqual(captured.Select(i => (i.Blob, i.ETag))))
            throw new DataContractException($"{beamtime}/xpcs/{series}",
                $"a blob was replaced after analysis {analysisId} was claimed; the newer upload is analysed separately");
        string folder = workspace.Folder(beamtime, SeriesManifest.XpcsFolder, series);
        string manifestBlob = content.SeriesFolderBlob + SeriesManifest.FileName;
        string manifestPath = Path.Combine(folder, SeriesManifest.FileName);
        string? maskPath = content.MaskBlob is null ? null : Path.Combine(folder, content.Row.MaskPath!);
        try
        {
            await BlobTransfer.DownloadFileAsync(storage.Raw, manifestBlob, manifestPath, new ETag(content.Row.ManifestETag!), cancellationToken);
            if (content.MaskBlob is not null)
                await BlobTransfer.DownloadFileAsync(storage.Raw, content.MaskBlob, maskPath!, new ETag(content.MaskETag!), cancellationToken);
            // The q-map file is needed by every step (fits too); the frames only by correlation.
            var needed = content.Chunks.Where(c => withChunks || c.RowKey == SeriesFileInputs.QMapRowKey).ToList();
            if (needed.Count > 0)
            {
                await Parallel.ForEachAsync(needed, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                    async (chunk, ct) => await BlobTransfer.DownloadFileAsync(storage.Raw, chunk.BlobName,
                        Path.Combine(folder, Path.GetFileName(chunk.BlobName)), new ETag(chunk.BlobETag), ct));
            }
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DataContractException($"{beamtime}/xpcs/{series}",
                $"a blob was replaced or deleted while analysis {analysisId} read it ({e.ErrorCode}); the newer upload is analysed separately");
        }
        qmap?.Validate();
        return workspace.NamingBlobs(() =>
        {
            var manifest = SeriesManifest.Load(manifestPath);
            if (qmap is not null) manifest = manifest with { QMap = qmap.ToSpec(), QMapFile = null };
            byte[]? mask = maskPath is null ? null : DetectorMaskFile.Read(maskPath, manifest.Rows, manifest.Cols);
            return new MaterializedSeries(folder, manifestBlob, manifest, mask);
        });
    }
}
