using Azure.Storage.Blobs.Models;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Reports;

/// <summary>What the scheduled reports know of one beamtime: when its raw data last changed and when its last run was created.</summary>
public sealed record BeamtimeActivity(string Beamtime, bool HasManifest, DateTimeOffset? LastRawChangeUtc, DateTimeOffset? LastRunCreatedUtc);

/// <summary>Whether a beamtime needs a new run (and with it a new report), and why.</summary>
public sealed record ReportDecision(string Beamtime, bool StartRun, string Reason);

/// <summary>
/// The decision of the scheduled reports: a beamtime gets a new run when it has a beamtime.json and its raw data
/// changed after its latest run was created (or it has never run). A run created after the last change covers it,
/// whether it is still running or done.
/// </summary>
public static class ReportSchedule
{
    public static ReportDecision Decide(BeamtimeActivity beamtime)
    {
        if (!beamtime.HasManifest) return new ReportDecision(beamtime.Beamtime, false, "no beamtime.json");
        if (beamtime.LastRawChangeUtc is not { } changed) return new ReportDecision(beamtime.Beamtime, false, "no raw data");
        if (beamtime.LastRunCreatedUtc is not { } ran) return new ReportDecision(beamtime.Beamtime, true, "never run");
        return changed > ran
            ? new ReportDecision(beamtime.Beamtime, true, $"raw data changed at {changed:O}, after the latest run ({ran:O})")
            : new ReportDecision(beamtime.Beamtime, false, "up to date");
    }

    /// <summary>
    /// Every beamtime folder of the raw container with its newest blob (Last-Modified) and series upload, and the creation
    /// time of its newest run. Lists the raw blobs of each beamtime once.
    /// </summary>
    public static async Task<IReadOnlyList<BeamtimeActivity>> ReadAsync(PipelineStorage storage, CancellationToken cancellationToken)
    {
        var beamtimes = new List<string>();
        await foreach (var item in storage.Raw.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Delimiter = "/" }, cancellationToken))
            if (item.IsPrefix && RawBlobName.Check(item.Prefix + "x").Length == 0) beamtimes.Add(item.Prefix.TrimEnd('/'));

        var activities = new List<BeamtimeActivity>();
        foreach (string beamtime in beamtimes)
        {
            bool hasManifest = false;
            DateTimeOffset? changed = null;
            await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = beamtime + "/" }, cancellationToken))
            {
                if (blob.Name == $"{beamtime}/{Data.Manifests.BeamtimeManifest.FileName}") hasManifest = true;
                changed = Later(changed, blob.Properties.LastModified);
            }
            await foreach (var series in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
                changed = Later(changed, series.LastUploadUtc);
            DateTimeOffset? ran = null;
            await foreach (var run in storage.Runs.QueryAsync<RunRow>(r => r.PartitionKey == beamtime, cancellationToken: cancellationToken))
                if (run.RowKey != RunRow.LatestRowKey) ran = Later(ran, run.CreatedUtc);
            activities.Add(new BeamtimeActivity(beamtime, hasManifest, changed, ran));
        }
        return activities;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
