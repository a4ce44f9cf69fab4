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

    /// <summary>The beamtime's manifest from raw/{beamtime}/beamtime.json; null when there is none.</summary>
    public static async Task<BeamtimeManifest?> LoadBeamtimeOrNullAsync(PipelineStorage storage, string beamtime, CancellationToken cancellationToken)
    {
        string blob = beamtime + "/" + BeamtimeManifest.FileName;
        string? text = await BlobTransfer.DownloadTextOrNullAsync(storage.Raw, blob, SeriesManifest.MaxManifestBytes, cancellationToken);
        return text is null ? null : BeamtimeManifest.Parse(text, blob);
    }

    /// <summary>
    /// The concentration for ε of the anion velocities (the beamtime's, or the local one from its measured profiles at the
    /// series' time and position), with the cell current at the series' time from its echem.csv, as offline.
    /// </summary>
    public static async Task<AnionConcentration> LoadConcentrationAsync(PipelineStorage storage, string beamtime, double polarizationTimeMin,
        double positionMm, LocalWorkspace workspace, CancellationToken cancellationToken)
    {
        var initial = AnionConcentration.Of(await LoadBeamtimeOrNullAsync(storage, beamtime, cancellationToken));
        var echem = await LoadEchemOrNullAsync(storage, beamtime, workspace, cancellationToken);
        var profiles = await LoadMeasuredProfilesOrNullAsync(storage, beamtime, workspace, cancellationToken);
        return AnionConcentration.AtSeries(initial, echem, profiles, MeasuredBeamtimeLoader.MeasuredProfilesRelativePath.Replace('\\', '/'),
            polarizationTimeMin, positionMm);
    }

    /// <summary>The beamtime's echem.csv (raw/{beamtime}/echem.csv) read from a local copy; null when the beamtime has none.</summary>
    public static async Task<IReadOnlyList<CurrentPoint>?> LoadEchemOrNullAsync(PipelineStorage storage, string beamtime, LocalWorkspace workspace,
        CancellationToken cancellationToken)
    {
        var blob = storage.Raw.GetBlobClient(beamtime + "/" + EchemCsv.FileName);
        if (!(await blob.ExistsAsync(cancellationToken)).Value) return null;
        string path = Path.Combine(workspace.Folder("echem"), EchemCsv.FileName);
        await BlobTransfer.DownloadFileAsync(storage.Raw, blob.Name, path);
        return workspace.NamingBlobs(() => EchemCsv.Read(path));
    }

    /// <summary>The beamtime's measured/profiles.csv (already-reduced concentration profiles), or null when it has none.</summary>
    public static async Task<IReadOnlyList<Science.Absorption.ConcentrationPoint>?> LoadMeasuredProfilesOrNullAsync(PipelineStorage storage, string beamtime,
        LocalWorkspace workspace, CancellationToken cancellationToken)
    {
        var blob = storage.Raw.GetBlobClient(beamtime + "/" + MeasuredBeamtimeLoader.MeasuredProfilesRelativePath.Replace('\\', '/'));
        if (!(await blob.ExistsAsync(cancellationToken)).Value) return null;
        string path = Path.Combine(workspace.Folder("measured"), Data.Xam.XamProfilesCsv.FileName);
        await BlobTransfer.DownloadFileAsync(storage.Raw, blob.Name, path);
        return workspace.NamingBlobs(() => Data.Xam.XamProfilesCsv.Read(path));
    }
}
