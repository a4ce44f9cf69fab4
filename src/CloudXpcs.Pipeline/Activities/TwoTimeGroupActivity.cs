using System.Diagnostics;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Correlation.TwoTime;
using Microsoft.DurableTask;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// The two-time maps of one bin group of a series (the group-th contiguous piece of the processed bins) into a partial
/// blob; <see cref="MergeAsync"/> merges all groups exactly (<see cref="TwoTimeResult.Merge"/>). The series is read as
/// the correlation reads it (the captured blob versions, If-Match), the budget checked for the group before any work.
/// </summary>
public sealed class TwoTimeGroupActivity(PipelineStorage storage, PipelineWorkerSettings settings, IActivityFaults? faults = null)
    : TaskActivity<TwoTimeGroupRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, TwoTimeGroupRequest request)
    {
        var clock = Stopwatch.StartNew();
        var input = request.Series;
        var parameters = input.TwoTime ?? throw new ArgumentException("a two-time group without two-time parameters");
        await ActivityAttempts.CountAsync(storage, input.Beamtime, input.Series, input.AnalysisId, $"twotime-{request.Group:D3}");
        if (faults is not null) await faults.BeforeActivityAsync(nameof(TwoTimeGroupActivity), $"{input.Series}/{input.AnalysisId}/{request.Group}");
        using var workspace = LocalWorkspace.Create("twotime");
        var series = await SeriesMaterializer.DownloadAsync(storage, input.Beamtime, input.Series, input.AnalysisId, input.QMap, workspace, true,
            CancellationToken.None, parameters);
        var part = workspace.NamingBlobs(() =>
        {
            var map = series.BuildQMap(Path.Combine(series.Folder, SeriesManifest.FileName));
            var options = parameters.ToOptions();
            int[] processed;
            try { processed = TwoTimeCorrelator.SelectBins(map, options.Bins); }
            catch (ArgumentException e) { throw new Data.DataContractException(Path.Combine(series.Folder, SeriesManifest.FileName), e.Message); }
            int[] bins = parameters.GroupBins(processed, request.Group);
            if (bins.Length == 0)   // more groups than bins: an empty part with the frame selection, for the merge's check
                return new TwoTimeResult(options.AverageFrames, options.StrideFrames, (int)options.CorrelatorFrames(series.Manifest.Frames),
                    series.Manifest.FrameTimeS, []);
            return SeriesCorrelation.CorrelateTwoTime(series.Folder, new SeriesCorrelationOptions
            {
                Threads = settings.CorrelationThreads,
                QMap = series.Manifest.QMap,
                Budget = settings.Budget,
                TwoTime = options with { Bins = bins },
            });
        });
        string output = Path.Combine(workspace.Root, "twotime.maps");
        await using (var file = File.Create(output)) TwoTimePartialFile.Write(file, part);
        string blob = ResultNames.TwoTimeGroupBlob(ResultNames.AnalysisPrefix(input.Beamtime, input.Series, input.AnalysisId), request.Group);
        await BlobTransfer.UploadFileAsync(storage.Results, blob, output);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The maps of all bin groups of the analysis under <paramref name="analysisPrefix"/>, merged in bin order.</summary>
    internal static async Task<TwoTimeResult> MergeAsync(PipelineStorage storage, string analysisPrefix, TwoTimeParameters parameters)
    {
        var parts = new List<TwoTimeResult>(parameters.BinGroups);
        for (int group = 0; group < parameters.BinGroups; group++)
        {
            string blob = ResultNames.TwoTimeGroupBlob(analysisPrefix, group);
            var content = await storage.Results.GetBlobClient(blob).DownloadContentAsync();
            using var stream = content.Value.Content.ToStream();
            parts.Add(TwoTimePartialFile.Read(stream, blob));
        }
        return TwoTimeResult.Merge(parts);
    }
}
