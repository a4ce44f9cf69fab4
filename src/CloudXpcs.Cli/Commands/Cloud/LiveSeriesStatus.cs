using System.Text.Json.Nodes;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using Spectre.Console;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>A series being acquired: its chunks landed and its partial result (null before the first one).</summary>
public sealed record LiveSeries(string Beamtime, string Series, int ChunksLanded, int ChunksExpected, PartialResultDocument? Partial);

/// <summary>
/// What <c>status</c> (and <c>upload --watch --analyse</c>) show of series still being acquired: chunks landed of
/// expected, frames covered by the partial result, its speed ± error or why there is none yet, and how fresh it is.
/// Always labelled partial: the final result replaces it.
/// </summary>
public static class LiveSeriesStatus
{
    /// <summary>The series of <paramref name="rows"/> still being acquired as contract chunks, with their chunk counts and partial results.</summary>
    public static async Task<IReadOnlyList<LiveSeries>> LoadAsync(PipelineStorage storage, IEnumerable<SeriesRow> rows, CancellationToken cancellationToken)
    {
        var live = new List<LiveSeries>();
        foreach (var row in rows.Where(r => r.Status is SeriesStatus.Incomplete or SeriesStatus.Stale && r.ChunksExpected >= 2 && r.RawFiles is null
                                            && r.ResultPath is null))
        {
            int landed = (await LiveResults.LandedChunksAsync(storage, row.PartitionKey, row.RowKey, row.ChunksExpected, cancellationToken)).Count;
            var partial = await LiveResults.ReadAsync(storage, row.PartitionKey, row.RowKey, cancellationToken);
            live.Add(new LiveSeries(row.PartitionKey, row.RowKey, landed, row.ChunksExpected,
                partial is not null && partial.ChunksExpected == row.ChunksExpected ? partial : null));
        }
        return live;
    }

    public static string Chunks(LiveSeries s) => $"{s.ChunksLanded}/{s.ChunksExpected}";

    public static string Frames(LiveSeries s) => s.Partial is { } p
        ? FormattableString.Invariant($"{p.FramesCovered}/{p.FramesTotal} ({p.ChunksCovered} chunks)")
        : "none yet";

    /// <summary>"30.12 ± 2.10 (partial)", "not resolvable yet (min 2.5)" or "waiting for chunk 0".</summary>
    public static string Speed(LiveSeries s)
    {
        if (s.Partial is not { } p) return s.ChunksLanded == 0 ? "waiting for chunk 0" : "computing";
        var v = p.Fit.Velocity;
        if (v is { Resolvable: true, SpeedAPerS: { } speed }) return FormattableString.Invariant($"{speed:0.00} ± {v.SpeedErrAPerS:0.00} (partial)");
        return v.MinResolvableSpeedAPerS is { } min ? FormattableString.Invariant($"not resolvable yet (min {min:0.0})") : "not resolvable yet";
    }

    /// <summary>"4 s ago, 1.2 s after its last chunk": the age of the partial result and its delay behind the data it covers.</summary>
    public static string Freshness(LiveSeries s, DateTimeOffset now)
    {
        if (s.Partial is not { } p) return "";
        string age = FormattableString.Invariant($"{Math.Max(0, (now - p.ComputedUtc).TotalSeconds):0} s ago");
        return p.LastChunkUtc is { } landed ? age + FormattableString.Invariant($", {Math.Max(0, (p.ComputedUtc - landed).TotalSeconds):0.0} s after its last chunk") : age;
    }

    public static Table Table(IReadOnlyList<LiveSeries> series, DateTimeOffset now)
    {
        var table = new Table().Title("series being acquired: partial results of the chunks landed so far (not final)")
            .AddColumns("series", "chunks", "frames covered", "partial speed A/s", "updated");
        foreach (var s in series)
            table.AddRow(Markup.Escape(s.Series), Chunks(s), Frames(s), Markup.Escape(Speed(s)), Freshness(s, now));
        return table;
    }

    public static JsonArray ToJson(IReadOnlyList<LiveSeries> series) => new([.. series.Select(s => (JsonNode)new JsonObject
    {
        ["beamtime"] = s.Beamtime, ["series"] = s.Series, ["chunks_landed"] = s.ChunksLanded, ["chunks_expected"] = s.ChunksExpected,
        ["partial"] = s.Partial is not { } p ? null : new JsonObject
        {
            ["frames_covered"] = p.FramesCovered, ["frames_total"] = p.FramesTotal, ["chunks_covered"] = p.ChunksCovered,
            ["resolvable"] = p.Fit.Velocity.Resolvable, ["speed_A_per_s"] = p.SpeedAPerS,
            ["speed_err_A_per_s"] = p.SpeedAPerS is null ? null : p.Fit.Velocity.SpeedErrAPerS,
            ["min_resolvable_speed_A_per_s"] = p.Fit.Velocity.MinResolvableSpeedAPerS,
            ["last_chunk_utc"] = p.LastChunkUtc, ["computed_utc"] = p.ComputedUtc,
            ["blob"] = LiveResults.DocumentBlob(s.Beamtime, s.Series),
        },
    })]);
}
