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
/// The partial result of a series whose chunks are still arriving: the longest run of chunks 0..k−1 landed now is
/// downloaded (the versions the chunk rows recorded, If-Match), correlated and fitted as a series of its frames
/// (<see cref="SeriesPrefixAnalysis"/>), and written as results/{beamtime}/live/{series}/partial.json with its g2.
/// Cost stays bounded: one computation per series at a time (a lease), none within the interval after the last one
/// (the caller waits and asks again), none when the partial already covers what has landed; a computation stops as
/// soon as the series is complete, so that it never delays the final analysis. The final result does not use it.
/// </summary>
public sealed class PartialSeriesActivity(PipelineStorage storage, PipelineWorkerSettings settings) : TaskActivity<LiveSeriesRequest, LiveStepResult>
{
    private static readonly TimeSpan CompletionPoll = TimeSpan.FromMilliseconds(250);

    public override async Task<LiveStepResult> RunAsync(TaskActivityContext context, LiveSeriesRequest input)
    {
        var clock = Stopwatch.StartNew();
        LiveStepResult Skip(string reason) => new(LiveStep.Skipped, 0, 0, 0, reason, clock.Elapsed.TotalMilliseconds);
        var row = await StreamingRowAsync(input);
        if (row is null) return Skip("the series is complete or has no chunks to preview");
        var landed = await LandedPrefixAsync(input.Beamtime, input.Series, row.ChunksExpected);
        if (landed.Count == 0) return Skip("chunk 0 has not landed");
        if (landed.Count >= row.ChunksExpected) return Skip("every chunk has landed: the final analysis takes over");
        var existing = await LiveResults.ReadAsync(storage, input.Beamtime, input.Series);
        if (existing is not null && existing.ChunksCovered >= landed.Count && existing.ChunksExpected == row.ChunksExpected)
            return Skip($"the partial result already covers {existing.ChunksCovered} chunks");
        var interval = TimeSpan.FromSeconds(input.MinIntervalS);
        if (existing is not null && DateTimeOffset.UtcNow - existing.ComputedUtc is var age && age < interval)
            return new LiveStepResult(LiveStep.Wait, (interval - age).TotalSeconds, 0, 0, "interval", clock.Elapsed.TotalMilliseconds);
        if (!await LiveResults.TryLeaseAsync(storage, input.Beamtime, input.Series, context.InstanceId))
            return new LiveStepResult(LiveStep.Wait, Math.Max(1, input.MinIntervalS), 0, 0, "another partial is being computed", clock.Elapsed.TotalMilliseconds);
        try
        {
            using var complete = new CancellationTokenSource();
            var watching = WatchForCompletionAsync(input, complete);
            try
            {
                var written = await ComputeAsync(input, row, landed, clock, complete.Token);
                return written is null ? Skip("the series became complete while its partial was computed") : written;
            }
            catch (OperationCanceledException) when (complete.IsCancellationRequested)
            {
                return Skip("the series became complete while its partial was computed");
            }
            finally
            {
                await complete.CancelAsync();
                await watching;
            }
        }
        finally
        {
            await LiveResults.ReleaseLeaseAsync(storage, input.Beamtime, input.Series);
        }
    }

    private async Task<LiveStepResult?> ComputeAsync(LiveSeriesRequest input, SeriesRow row, IReadOnlyList<ChunkRow> landed, Stopwatch clock,
        CancellationToken complete)
    {
        using var workspace = LocalWorkspace.Create("partial");
        string folder = workspace.Folder(input.Beamtime, SeriesManifest.XpcsFolder, input.Series);
        string seriesBlob = $"{input.Beamtime}/{SeriesManifest.XpcsFolder}/{input.Series}/";
        try
        {
            await BlobTransfer.DownloadFileAsync(storage.Raw, seriesBlob + SeriesManifest.FileName, Path.Combine(folder, SeriesManifest.FileName),
                new ETag(row.ManifestETag!), complete);
            if (row.MaskPath is { } mask) await BlobTransfer.DownloadFileAsync(storage.Raw, seriesBlob + mask, Path.Combine(folder, mask), null, complete);
            var (files, missing) = await SeriesFileInputs.LoadAsync(storage, input.Beamtime, input.Series, row, complete);
            if (missing is not null) return null;
            await Parallel.ForEachAsync(landed.Concat(files), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = complete },
                async (chunk, ct) => await BlobTransfer.DownloadFileAsync(storage.Raw, chunk.BlobName, Path.Combine(folder, Path.GetFileName(chunk.BlobName)),
                    new ETag(chunk.BlobETag), ct));
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            throw new DataContractException(seriesBlob, $"a blob was replaced or deleted while its partial result read it ({e.ErrorCode})");
        }
        var (concentration, _) = await SeriesFitInputs.LoadConcentrationAsync(storage, input.Beamtime, null, row.PolarizationTimeMin, row.PositionMm,
            workspace, complete);
        string g2Path = Path.Combine(workspace.Root, PartialResultJson.G2FileName);
        var prefix = await Task.Run(() => workspace.NamingBlobs(() => SeriesPrefixAnalysis.AnalyzeWorkingCopy(folder, landed.Count, concentration, g2Path,
            new SeriesCorrelationOptions { Threads = settings.CorrelationThreads, StatePool = settings.StatePool, Budget = settings.Budget }, null, complete)),
            CancellationToken.None);
        var document = new PartialResultDocument
        {
            Beamtime = input.Beamtime, Series = input.Series,
            FramesCovered = prefix.FramesCovered, FramesTotal = prefix.Declared.Frames,
            ChunksCovered = prefix.ChunksCovered, ChunksExpected = prefix.Declared.Chunks,
            LastChunkUtc = landed.Max(c => c.Timestamp), ComputedUtc = DateTimeOffset.UtcNow, ComputeS = clock.Elapsed.TotalSeconds,
            G2File = PartialResultJson.G2FileName, Fit = prefix.Fit,
        };
        string documentPath = Path.Combine(workspace.Root, PartialResultJson.FileName);
        PartialResultJson.Write(documentPath, document);
        // Written only while the series is still being acquired with this series.json; removed again if it completed meanwhile.
        if (await StreamingRowAsync(input) is not { } still || still.ManifestETag != row.ManifestETag) return null;
        await BlobTransfer.UploadFileAsync(storage.Results, LiveResults.G2Blob(input.Beamtime, input.Series), g2Path);
        await BlobTransfer.UploadFileAsync(storage.Results, LiveResults.DocumentBlob(input.Beamtime, input.Series), documentPath);
        if (await StreamingRowAsync(input) is null)
        {
            await LiveResults.RemoveAsync(storage, input.Beamtime, input.Series);
            return null;
        }
        return new LiveStepResult(LiveStep.Written, 0, prefix.ChunksCovered, prefix.FramesCovered, null, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The series row while the series is being acquired as contract chunks (not complete, not a detector's or result file); else null.</summary>
    private async Task<SeriesRow?> StreamingRowAsync(LiveSeriesRequest input, CancellationToken cancellationToken = default)
    {
        var response = await storage.Series.GetEntityIfExistsAsync<SeriesRow>(input.Beamtime, input.Series, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } row && row.Status is SeriesStatus.Incomplete or SeriesStatus.Stale
               && row.ManifestETag is not null && row.ChunksExpected >= 2 && row.RawFiles is null && row.ResultPath is null
            ? row : null;
    }

    /// <summary>Chunk rows 0..k−1 where chunk k is the first one missing.</summary>
    private async Task<IReadOnlyList<ChunkRow>> LandedPrefixAsync(string beamtime, string series, int expected)
    {
        var chunks = await LiveResults.LandedChunksAsync(storage, beamtime, series, expected);
        var prefix = new List<ChunkRow>();
        while (chunks.TryGetValue(prefix.Count, out var next)) prefix.Add(next);
        return prefix;
    }

    private async Task WatchForCompletionAsync(LiveSeriesRequest input, CancellationTokenSource complete)
    {
        try
        {
            while (!complete.IsCancellationRequested)
            {
                await Task.Delay(CompletionPoll, complete.Token);
                if (await StreamingRowAsync(input, complete.Token) is null) await complete.CancelAsync();
            }
        }
        catch (OperationCanceledException) { }
        catch (RequestFailedException) { }   // a storage hiccup only ends the watch; the checks before writing still hold
    }
}
