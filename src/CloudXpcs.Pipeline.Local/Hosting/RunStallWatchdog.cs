using System.Diagnostics;
using System.Text;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>A run that made no observable progress for longer than its stall limit; it is left as it is, to be resumed.</summary>
public sealed class RunStalledException(string message) : Exception(message);

/// <summary>
/// Ends the wait on a run that has stopped moving, instead of waiting for ever. Every few seconds it looks at what a
/// working run changes: the run's row and the files in its run folder, the beamtime's analysis rows (claims, statuses)
/// and the orchestrations of the analyses not finished yet (its own sub-orchestrations, or another run's or the
/// ingest's that it waits for). When none of them has changed for <paramref name="stallAfter"/>,
/// <see cref="RunStalledException"/> is thrown. The run's own orchestration record is not part of it: while waiting
/// for another orchestration's analysis it wakes every 2 s without doing anything. Storage that loses acknowledged
/// writes (Azurite killed with SIGKILL keeps only what it saved in its last 5 s) can leave a message that will never
/// be delivered; this is how that wait ends. An activity in flight changes nothing until it ends, and it ends within
/// its message lease (or is delivered again), so a limit above the lease does not stop a slow run that works.
/// </summary>
public sealed class RunStallWatchdog(DurableTaskClient client, string beamtime, string runId, TimeSpan stallAfter)
{
    private readonly Stopwatch _sinceChange = Stopwatch.StartNew();
    private string _fingerprint = "";

    /// <summary>The default limit for a message lease: two leases and a minute.</summary>
    public static TimeSpan DefaultFor(TimeSpan messageLease) => 2 * messageLease + TimeSpan.FromMinutes(1);

    /// <summary>Compares <paramref name="snapshot"/> (and the unfinished analyses' orchestrations) with the last look.</summary>
    public async Task CheckAsync(OrchestrationMetadata run, RunSnapshot snapshot, CancellationToken cancellationToken)
    {
        var fingerprint = new StringBuilder().Append(run.RuntimeStatus);
        if (snapshot.Run is { } row) fingerprint.Append('|').Append(row.StatusName).Append(':').Append(row.ETag);
        foreach (var (name, etag) in snapshot.RunFolder) fingerprint.Append('|').Append(name).Append(':').Append(etag);
        int pending = 0;
        foreach (var analysis in snapshot.Analyses)
        {
            fingerprint.Append('|').Append(analysis.RowKey).Append(':').Append(analysis.StatusName).Append(':').Append(analysis.ETag);
            if (analysis.Status is SeriesStatus.Analysed or SeriesStatus.Failed || analysis.Owner.Length == 0) continue;
            pending++;
            var owner = await client.GetInstanceAsync(analysis.Owner, cancellationToken);
            fingerprint.Append(':').Append(owner?.RuntimeStatus).Append(':').Append(owner?.LastUpdatedAt.UtcTicks);
        }
        string now = fingerprint.ToString();
        if (now != _fingerprint)
        {
            _fingerprint = now;
            _sinceChange.Restart();
            return;
        }
        if (_sinceChange.Elapsed > stallAfter)
            throw new RunStalledException(
                $"run {runId} of {beamtime}: no progress for {_sinceChange.Elapsed.TotalSeconds:0} s (the run, status {run.RuntimeStatus}, " +
                $"its run folder and the {pending} unfinished series analyses unchanged; the limit is {stallAfter.TotalSeconds:0} s); " +
                "the run is left as it is: check the storage account, then `cloudxpcs reprocess` with the same --run-id resumes it");
    }
}
