using System.Diagnostics;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// Live progress of a run from the tables and the results container: the beamtime's series, the analyses this run
/// computes itself (a re-binning re-correlates every series while the series rows already say analysed), and the
/// files written into the run folder by the later steps, read from the snapshots the run's wait takes
/// (<see cref="LocalPipeline.WaitForRunAsync"/>). A line is printed when something changes, and at least every 20 s
/// while a step works.
/// </summary>
public sealed class RunProgress(string beamtime, string runId, Stopwatch clock)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private readonly Stopwatch _sincePrint = Stopwatch.StartNew();
    private static readonly TimeSpan StepEvery = TimeSpan.FromSeconds(10);
    private string _lastLine = "";
    private int _lastFiles = -1;

    public void Report(RunSnapshot snapshot)
    {
        int analysed = snapshot.Series.Count(r => r.Status == SeriesStatus.Analysed), failed = snapshot.Series.Count(r => r.Status == SeriesStatus.Failed);
        string owner = ResultNames.RunOrchestrationId(beamtime, runId) + ":";
        var own = snapshot.Analyses.Where(r => r.Owner.StartsWith(owner, StringComparison.Ordinal)).ToList();
        int ownDone = own.Count(r => r.Status is SeriesStatus.Analysed or SeriesStatus.Failed);
        int files = snapshot.RunFolder.Count;

        string seriesPart = $"series: {analysed}/{snapshot.Series.Count} analysed, {failed} failed" +
                            (own.Count > 0 ? $"; this run computes {own.Count} analyses: {ownDone} done" : "");
        // Series news at once; the later steps' files (XAM, simulations, comparison, inference, report) every 10 s.
        bool seriesChanged = seriesPart != _lastLine;
        if (!seriesChanged && _sincePrint.Elapsed < (files != _lastFiles ? StepEvery : Heartbeat)) return;
        Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {seriesPart}; run folder: {files} files{(seriesChanged || files != _lastFiles ? "" : " (working)")}");
        _lastLine = seriesPart;
        _lastFiles = files;
        _sincePrint.Restart();
    }
}
