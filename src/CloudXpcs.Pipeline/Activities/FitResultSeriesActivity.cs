using System.Diagnostics;
using Azure;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// A series given as a result file (series.json "result", DATA_CONTRACT 1.1): correlation is skipped, the result file
/// becomes the analysis' g2.h5 as it is and its g2 is fitted into fit.json (<see cref="ResultSeriesAnalysis"/>, the
/// same code as <c>cloudxpcs analyze-series</c> on that folder). The blobs read are those the analysis id was made from.
/// </summary>
public sealed class FitResultSeriesActivity(PipelineStorage storage, IActivityFaults? faults = null) : TaskActivity<CorrelateRequest, FitResult>
{
    public override async Task<FitResult> RunAsync(TaskActivityContext context, CorrelateRequest input)
    {
        var clock = Stopwatch.StartNew();
        if (faults is not null) await faults.BeforeActivityAsync(nameof(FitResultSeriesActivity), $"{input.Series}/{input.AnalysisId}");
        string seriesSource = $"{input.Beamtime}/xpcs/{input.Series}";
        var (content, incomplete) = await AnalysisIdentity.LoadAsync(storage, input.Beamtime, input.Series);
        if (content is null) throw new DataContractException(seriesSource, incomplete!.Reason);
        if (content.ResultBlob is null || content.AnalysisId(null) != input.AnalysisId)
            throw new DataContractException(seriesSource,
                $"the uploaded content changed after analysis {input.AnalysisId} was planned; the newer upload is analysed separately");
        using var workspace = LocalWorkspace.Create("fit-result");
        string folder = workspace.Folder(input.Beamtime, SeriesManifest.XpcsFolder, input.Series);
        string manifestBlob = content.SeriesFolderBlob + SeriesManifest.FileName;
        string manifestPath = Path.Combine(folder, SeriesManifest.FileName);
        string resultPath = Path.Combine(folder, content.Row.ResultPath!.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            await BlobTransfer.DownloadFileAsync(storage.Raw, manifestBlob, manifestPath, new ETag(content.Row.ManifestETag!));
            await BlobTransfer.DownloadFileAsync(storage.Raw, content.ResultBlob, resultPath, new ETag(content.ResultETag!));
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new DataContractException(seriesSource,
                $"a blob was replaced or deleted while analysis {input.AnalysisId} read it ({e.ErrorCode}); the newer upload is analysed separately");
        }
        var series = workspace.NamingBlobs(() => ResultSeriesManifest.Load(manifestPath));
        var (concentration, fitInputs) = await SeriesFitInputs.LoadConcentrationAsync(storage, input.Beamtime, input.ForRun?.BeamtimeInputs,
            series.PolarizationTimeMin, series.PositionMm, workspace, CancellationToken.None);
        string fitPath = Path.Combine(workspace.Root, ResultNames.FitFile);
        var result = workspace.NamingBlobs(() =>
        {
            var fitted = ResultSeriesAnalysis.Fit(series, resultPath, concentration);
            FitJson.Write(fitPath, fitted.Document);
            return fitted;
        });
        string prefix = ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId);
        if (input.ForRun is null) await BlobTransfer.UploadFileAsync(storage.Results, prefix + ResultNames.G2File, resultPath);
        string blob = input.ForRun?.FitBlob ?? prefix + ResultNames.FitFile;
        await BlobTransfer.UploadFileAsync(storage.Results, blob, fitPath);
        if (input.ForRun is null) await SeriesFitInputs.WriteAsync(storage, prefix, fitInputs);
        var velocity = result.Fit.Velocity;
        return new FitResult(blob, clock.Elapsed.TotalMilliseconds, velocity.SpeedAPerS, velocity.SpeedErrAPerS, velocity.Resolvable);
    }
}
