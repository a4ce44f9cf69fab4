using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// Live progress of a run from the tables and the results container: the beamtime's series, the analyses this run
/// computes itself (a re-binning re-correlates every series while the series rows already say analysed), and the
/// files written into the run folder by the later steps. A line is printed when something changes, and at least
/// every 20 s while a step works.
/// </summary>
public sealed class RunProgress(PipelineStorage storage, string beamtime, string runId, Stopwatch clock)
{
    private static readonly TimeSpan QueryEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private readonly Stopwatch _sinceQuery = Stopwatch.StartNew();
    private readonly Stopwatch _sincePrint = Stopwatch.StartNew();
    private static readonly TimeSpan StepEvery = TimeSpan.FromSeconds(10);
    private string _lastLine = "";
    private int _lastFiles = -1;
    private bool _first = true;

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!_first && _sinceQuery.Elapsed < QueryEvery) return;
        _first = false;
        _sinceQuery.Restart();
        int analysed = 0, failed = 0, total = 0;
        await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
        {
            total++;
            if (row.Status == SeriesStatus.Analysed) analysed++;
            else if (row.Status == SeriesStatus.Failed) failed++;
        }
        string owner = ResultNames.RunOrchestrationId(beamtime, runId) + ":";
        int own = 0, ownDone = 0;
        await foreach (var row in storage.Analyses.QueryAsync<AnalysisRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
        {
            if (!row.Owner.StartsWith(owner, StringComparison.Ordinal)) continue;
            own++;
            if (row.Status is SeriesStatus.Analysed or SeriesStatus.Failed) ownDone++;
        }
        int files = 0;
        await foreach (var _ in storage.Results.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = ResultNames.RunPrefix(beamtime, runId) }, cancellationToken)) files++;

        string seriesPart = $"series: {analysed}/{total} analysed, {failed} failed" +
                            (own > 0 ? $"; this run computes {own} analyses: {ownDone} done" : "");
        // Series news at once; the later steps' files (XAM, simulations, comparison, inference, report) every 10 s.
        bool seriesChanged = seriesPart != _lastLine;
        if (!seriesChanged && _sincePrint.Elapsed < (files != _lastFiles ? StepEvery : Heartbeat)) return;
        Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {seriesPart}; run folder: {files} files{(seriesChanged || files != _lastFiles ? "" : " (working)")}");
        _lastLine = seriesPart;
        _lastFiles = files;
        _sincePrint.Restart();
    }
}
