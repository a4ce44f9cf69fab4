using CloudXpcs.Analysis.Comparison;
using System.Diagnostics;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Correlation;
using Microsoft.DurableTask;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>Settings of the activities in one worker process.</summary>
public sealed record PipelineWorkerSettings
{
    /// <summary>Threads of one correlation; ≤ 0 = all cores.</summary>
    public int CorrelationThreads { get; init; } = -1;

    /// <summary>Correlator state memory shared by the worker's correlations (owned by the host); null: none kept.</summary>
    public CorrelatorStatePool? StatePool { get; init; }

    /// <summary>The cost limits of the worker's correlations (multi-tau and two-time); null: from the environment (<see cref="Analysis.Xpcs.ResourceBudget.FromEnvironment"/>).</summary>
    public Analysis.Xpcs.ResourceBudget? Budget { get; init; }
}

/// <summary>Claims an analysis for an orchestration, or reports that it is done or being computed by another.</summary>
public sealed class ClaimAnalysisActivity(PipelineStorage storage) : TaskActivity<ClaimRequest, ClaimResult>
{
    public override async Task<ClaimResult> RunAsync(TaskActivityContext context, ClaimRequest input)
    {
        var claim = await AnalysisClaims.ClaimAsync(storage, input.Beamtime, input.Series, input.AnalysisId, input.Owner);
        if (claim.State is AnalysisClaims.Claimed or AnalysisClaims.Owned)
        {
            // The blob versions this analysis will read; content that changed since planning fails the analysis later (If-Match).
            var (content, _) = await AnalysisIdentity.LoadAsync(storage, input.Beamtime, input.Series);
            if (content is not null && content.AnalysisId(input.QMap, input.TwoTime) == input.AnalysisId)
                await AnalysisInputs.CaptureAsync(storage, content, input.AnalysisId);
        }
        return claim;
    }
}

/// <summary>
/// Multi-tau correlation of a series (DATA_CONTRACT §3): the whole detector into g2.h5, or one pixel shard into a
/// partial-sums blob that <see cref="MergeShardsActivity"/> merges exactly.
/// </summary>
public sealed class CorrelateSeriesActivity(PipelineStorage storage, PipelineWorkerSettings settings, IActivityFaults? faults = null)
    : TaskActivity<CorrelateRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, CorrelateRequest input)
    {
        var clock = Stopwatch.StartNew();
        await ActivityAttempts.CountAsync(storage, input.Beamtime, input.Series, input.AnalysisId, $"correlate-{input.Shard:D3}");
        if (faults is not null) await faults.BeforeActivityAsync(nameof(CorrelateSeriesActivity), $"{input.Series}/{input.AnalysisId}/{input.Shard}");
        using var workspace = LocalWorkspace.Create("correlate");
        var series = await SeriesMaterializer.DownloadAsync(storage, input.Beamtime, input.Series, input.AnalysisId, input.QMap, workspace, true,
            CancellationToken.None, input.TwoTime);
        string prefix = ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId);
        string output = Path.Combine(workspace.Root, "out.bin");
        string blob;
        if (input.Shards <= 1 && input.TwoTime is null)
        {
            workspace.NamingBlobs(() => SeriesCorrelation.CorrelateToFile(series.Folder, output,
                new SeriesCorrelationOptions { Threads = settings.CorrelationThreads, QMap = series.Manifest.QMap, StatePool = settings.StatePool, Budget = settings.Budget }));
            blob = prefix + ResultNames.G2File;
        }
        else
        {
            long pixels = series.Manifest.PixelsPerFrame;
            var sums = workspace.NamingBlobs(() => SeriesCorrelation.CorrelatePartial(series.Folder, new SeriesCorrelationOptions
            {
                Threads = settings.CorrelationThreads,
                QMap = series.Manifest.QMap,
                StatePool = settings.StatePool, Budget = settings.Budget,
                PixelStart = (int)(pixels * input.Shard / input.Shards),
                PixelEnd = (int)(pixels * (input.Shard + 1) / input.Shards),
            }, null, out _));
            await using (var file = File.Create(output)) PartialSumsFile.Write(file, sums);
            blob = ResultNames.ShardBlob(prefix, input.Shard);
        }
        await BlobTransfer.UploadFileAsync(storage.Results, blob, output);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>Merges the partial sums of all pixel shards of a series into its g2.h5 (same g2 as one unsharded correlation).</summary>
public sealed class MergeShardsActivity(PipelineStorage storage) : TaskActivity<CorrelateRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, CorrelateRequest input)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = LocalWorkspace.Create("merge");
        var series = await SeriesMaterializer.DownloadAsync(storage, input.Beamtime, input.Series, input.AnalysisId, input.QMap, workspace, false,
            CancellationToken.None, input.TwoTime);
        var manifest = series.Manifest;
        var qmap = series.BuildQMap(SeriesManifest.FileName);
        var lags = MultiTauLadder.Create(manifest.Frames, manifest.DelaysPerLevel);
        string prefix = ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId);
        CorrelationPartialSums? merged = null;
        for (int shard = 0; shard < input.Shards; shard++)
        {
            string blob = ResultNames.ShardBlob(prefix, shard);
            var content = await storage.Results.GetBlobClient(blob).DownloadContentAsync();
            using var stream = content.Value.Content.ToStream();
            var sums = PartialSumsFile.Read(stream, qmap, lags, blob);
            merged = merged is null ? sums : CorrelationPartialSums.Merge(merged, sums);
        }
        var twoTime = input.TwoTime is { } parameters ? await TwoTimeGroupActivity.MergeAsync(storage, prefix, parameters) : null;
        string g2Path = Path.Combine(workspace.Root, ResultNames.G2File);
        G2FileWriter.Write(g2Path, merged!.ToResult(manifest.FrameTimeS), twoTime: twoTime);
        string g2Blob = prefix + ResultNames.G2File;
        await BlobTransfer.UploadFileAsync(storage.Results, g2Blob, g2Path);
        return new ActivityResult(g2Blob, clock.Elapsed.TotalMilliseconds);
    }
}

/// <summary>Heterodyne fit of every q/χ bin and the series speed (DATA_CONTRACT §4, §5.2) from g2.h5 into fit.json.</summary>
public sealed class FitSeriesActivity(PipelineStorage storage, IActivityFaults? faults = null) : TaskActivity<CorrelateRequest, FitResult>
{
    public override async Task<FitResult> RunAsync(TaskActivityContext context, CorrelateRequest input)
    {
        var clock = Stopwatch.StartNew();
        await ActivityAttempts.CountAsync(storage, input.Beamtime, input.Series, input.AnalysisId, "fit");
        if (faults is not null) await faults.BeforeActivityAsync(nameof(FitSeriesActivity), $"{input.Series}/{input.AnalysisId}");
        using var workspace = LocalWorkspace.Create("fit");
        var series = await SeriesMaterializer.DownloadAsync(storage, input.Beamtime, input.Series, input.AnalysisId, input.QMap, workspace, false,
            CancellationToken.None, input.TwoTime);
        var (concentration, fitInputs) = await SeriesFitInputs.LoadConcentrationAsync(storage, input.Beamtime, input.ForRun?.BeamtimeInputs,
            series.Manifest.PolarizationTimeMin, series.Manifest.PositionMm, workspace, CancellationToken.None);
        string prefix = ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId);
        string g2Path = Path.Combine(workspace.Root, ResultNames.G2File);
        await BlobTransfer.DownloadFileAsync(storage.Results, prefix + ResultNames.G2File, g2Path);
        var twoTime = input.TwoTime is { } parameters ? await TwoTimeGroupActivity.MergeAsync(storage, prefix, parameters) : null;
        string fitPath = Path.Combine(workspace.Root, ResultNames.FitFile);
        var result = workspace.NamingBlobs(() =>
        {
            var g2 = G2File.Read(g2Path);
            var context = new SeriesFitContext(series.Manifest, series.BuildQMap(Path.Combine(series.Folder, SeriesManifest.FileName)), concentration);
            return SeriesAnalysis.FitG2ToJson(g2, g2Path, context, fitPath, null, twoTime, input.TwoTime?.AgeWindows ?? 4);
        });
        string blob = input.ForRun?.FitBlob ?? prefix + ResultNames.FitFile;
        await BlobTransfer.UploadFileAsync(storage.Results, blob, fitPath);
        if (input.ForRun is null) await SeriesFitInputs.WriteAsync(storage, prefix, fitInputs);
        var velocity = result.Document.Velocity;   // the speed error with its systematic part, as fit.json states it
        return new FitResult(blob, clock.Elapsed.TotalMilliseconds, velocity.SpeedAPerS, velocity.SpeedErrAPerS, velocity.Resolvable);
    }
}

/// <summary>Records the end of an analysis in the analyses and series tables and publishes "series analysed/failed".</summary>
public sealed class CompleteAnalysisActivity(PipelineStorage storage, IPipelineNotifier notifier) : TaskActivity<AnalysisCompletion, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AnalysisCompletion input)
    {
        var o = input.Outcome;
        // The final result supersedes the partial one: removed before the rows say so, so that no reader sees an
        // analysed series beside a partial result.
        await LiveResults.RemoveAsync(storage, o.Beamtime, o.Series);
        var row = (await storage.Analyses.GetEntityAsync<AnalysisRow>(o.Beamtime, o.AnalysisId)).Value;
        row.Status = o.Status;
        row.Reason = o.Reason;
        row.SpeedAPerS = o.SpeedAPerS;
        row.SpeedErrAPerS = o.SpeedErrAPerS;
        row.Resolvable = o.Resolvable;
        row.ActivityMs = o.ActivityMs;
        row.OrchestrationMs = o.OrchestrationMs;
        row.CompletedUtc = DateTimeOffset.UtcNow;
        await storage.Analyses.UpdateEntityAsync(row, Azure.ETag.All);
        await SeriesRows.UpdateAsync(storage, o.Beamtime, o.Series, r =>
        {
            if (r.AnalysisId != o.AnalysisId) return false;
            r.Status = o.Status;
            r.Reason = o.Reason;
            r.SpeedAPerS = o.SpeedAPerS;
            r.SpeedErrAPerS = o.SpeedErrAPerS;
            r.Resolvable = o.Resolvable;
            return true;
        });
        await notifier.PublishAsync(new PipelineEvent(o.Status == SeriesStatus.Analysed ? PipelineEventKind.SeriesAnalysed : PipelineEventKind.SeriesFailed,
            o.Beamtime, o.Series, null, o.AnalysisId + (o.Reason is null ? "" : ": " + o.Reason), DateTimeOffset.UtcNow));
        return true;
    }
}
