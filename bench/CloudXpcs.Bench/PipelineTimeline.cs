using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace CloudXpcs.Bench;

/// <summary>
/// Where the time of one `run` went, read after it from the task hub's history table (every orchestration's events with
/// the backend's timestamps) and the activities' own durations (the Ms of their results): per series, from the moment
/// its analysis was scheduled (the series was complete) to its correlation activity starting, the activities themselves,
/// the gaps between them (the orchestration's hops through the queues), and the run orchestration's steps.
/// Times are seconds since `run` started.
/// </summary>
public sealed class PipelineTimeline
{
    private readonly List<InstanceHistory> _instances;
    private readonly DateTimeOffset _origin;

    private PipelineTimeline(List<InstanceHistory> instances, DateTimeOffset origin) => (_instances, _origin) = (instances, origin);

    /// <summary>One orchestration's events (ordered as stored) and the activity calls among them.</summary>
    private sealed record InstanceHistory(string InstanceId, DateTimeOffset Started, DateTimeOffset? Completed, List<ActivitySpan> Activities);

    /// <summary>One activity call: scheduled by the orchestration, run (its own clock), answer recorded.</summary>
    private sealed record ActivitySpan(string Name, DateTimeOffset Scheduled, DateTimeOffset? Completed, double? Ms)
    {
        public DateTimeOffset? Began => Completed is { } c && Ms is { } ms ? c - TimeSpan.FromMilliseconds(ms) : null;
    }

    public static async Task<PipelineTimeline> ReadAsync(string connectionString, string taskHub, DateTimeOffset origin)
    {
        var table = new TableServiceClient(connectionString).GetTableClient(taskHub + "History");
        var byInstance = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (!byInstance.TryGetValue(row.PartitionKey, out var list)) byInstance[row.PartitionKey] = list = [];
            list.Add(row);
        }
        var instances = new List<InstanceHistory>();
        foreach (var (instance, rows) in byInstance)
        {
            rows.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
            DateTimeOffset? started = null, completed = null;
            var scheduled = new Dictionary<int, (string Name, DateTimeOffset At)>();
            var spans = new Dictionary<int, ActivitySpan>();
            foreach (var row in rows)
            {
                string type = row.GetString("EventType") ?? "";
                if (row.GetDateTimeOffset("_Timestamp") is not { } at) continue;
                switch (type)
                {
                    case "ExecutionStarted": started ??= at; break;
                    case "ExecutionCompleted": completed = at; break;
                    case "TaskScheduled":
                        int id = row.GetInt32("EventId") ?? -1;
                        scheduled[id] = (row.GetString("Name") ?? "?", at);
                        spans[id] = new ActivitySpan(row.GetString("Name") ?? "?", at, null, null);
                        break;
                    case "TaskCompleted":
                        int of = row.GetInt32("TaskScheduledId") ?? -1;
                        if (scheduled.TryGetValue(of, out var s)) spans[of] = new ActivitySpan(s.Name, s.At, at, ResultMs(row.GetString("Result")));
                        break;
                }
            }
            if (started is { } start) instances.Add(new InstanceHistory(instance, start, completed, spans.OrderBy(p => p.Key).Select(p => p.Value).ToList()));
        }
        return new PipelineTimeline(instances, origin);
    }

    private static double? ResultMs(string? json)
    {
        if (json is null || !json.StartsWith('{')) return null;
        using var doc = JsonDocument.Parse(json);
        foreach (var property in doc.RootElement.EnumerateObject())
            if (property.Name.Equals("ms", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number) return property.Value.GetDouble();
        return null;
    }

    private double S(DateTimeOffset t) => (t - _origin).TotalSeconds;

    /// <summary>The lines to print: the run's steps, each series' split, and the medians of the per-series overheads.</summary>
    public IEnumerable<string> Describe()
    {
        var series = _instances.Where(i => i.InstanceId.StartsWith("series:", StringComparison.Ordinal)).OrderBy(i => i.Started).ToList();
        var perSeries = new List<(double Wait, double Correlate, double Hop, double Fit, double Complete, double Total, double Activities)>();
        foreach (var s in series)
        {
            var correlate = s.Activities.FirstOrDefault(a => a.Name == "CorrelateSeriesActivity");
            var fit = s.Activities.FirstOrDefault(a => a.Name == "FitSeriesActivity");
            var complete = s.Activities.FirstOrDefault(a => a.Name == "CompleteAnalysisActivity");
            if (correlate?.Began is not { } cBegan || fit?.Began is not { } fBegan || complete?.Completed is not { } done) continue;
            double wait = (cBegan - s.Started).TotalSeconds;
            double hop = (fBegan - correlate.Completed!.Value).TotalSeconds;
            double tail = (done - fit.Completed!.Value).TotalSeconds;
            double activities = (correlate.Ms!.Value + fit.Ms!.Value) / 1000;
            perSeries.Add((wait, correlate.Ms!.Value / 1000, hop, fit.Ms!.Value / 1000, tail, (done - s.Started).TotalSeconds, activities));
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {Name(s.InstanceId),-12} scheduled {S(s.Started),6:F2}  correlate {S(cBegan),6:F2}+{correlate.Ms / 1000,5:F2}  fit {S(fBegan),6:F2}+{fit.Ms / 1000,5:F2}  analysed {S(done),6:F2}   (wait for a worker {wait:F2}, correlate->fit {hop:F2}, fit->recorded {tail:F2})");
        }
        if (perSeries.Count > 0)
        {
            double first = series.Min(s => S(s.Started)), last = perSeries.Count == series.Count ? series.Max(s => S(s.Completed ?? s.Started)) : double.NaN;
            double busy = perSeries.Sum(p => p.Activities);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  per series (median): correlate->fit hop {Median(perSeries.Select(p => p.Hop)):F2} s, fit->recorded {Median(perSeries.Select(p => p.Complete)):F2} s, activities {Median(perSeries.Select(p => p.Activities)):F2} s (correlate {Median(perSeries.Select(p => p.Correlate)):F2}, fit {Median(perSeries.Select(p => p.Fit)):F2}); analyses scheduled (series complete) {first:F2}-{series.Max(s => S(s.Started)):F2} s, last recorded {last:F2} s; heavy activities {busy:F1} s in all, {busy / Math.Max(1e-9, last - first):F1} at once on average");
        }
        var run = _instances.FirstOrDefault(i => i.InstanceId.StartsWith("run:", StringComparison.Ordinal));
        if (run is not null)
            yield return "  run orchestration: started " + S(run.Started).ToString("F2", CultureInfo.InvariantCulture) + " s; " + string.Join(", ",
                run.Activities.GroupBy(a => a.Name).Select(g => string.Create(CultureInfo.InvariantCulture,
                    $"{g.Key.Replace("Activity", "")} {S(g.Min(a => a.Scheduled)):F2}-{(g.All(a => a.Completed is not null) ? S(g.Max(a => a.Completed!.Value)) : double.NaN):F2}")))
                + (run.Completed is { } c ? $"; completed {S(c):F2} s" : "");
        var runSeries = _instances.Where(i => i.InstanceId.StartsWith("run:", StringComparison.Ordinal) && i != run).ToList();
        if (runSeries.Count > 0)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  series of the run ({runSeries.Count}): started {runSeries.Min(i => S(i.Started)):F2}-{runSeries.Max(i => S(i.Started)):F2} s, completed {runSeries.Where(i => i.Completed is not null).Select(i => S(i.Completed!.Value)).DefaultIfEmpty(double.NaN).Min():F2}-{runSeries.Where(i => i.Completed is not null).Select(i => S(i.Completed!.Value)).DefaultIfEmpty(double.NaN).Max():F2} s, claims per series {runSeries.Average(i => i.Activities.Count(a => a.Name == "ClaimAnalysisActivity")):F1}");
    }

    private static string Name(string instanceId)
    {
        var parts = instanceId.Split(':');
        return parts.Length > 2 ? parts[2] : instanceId;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
