using System.Reflection;
using System.Text.Json.Serialization;

namespace CloudXpcs.Data.Results;

/// <summary>
/// Status of a series in the pipeline's series and analyses tables, its outcome and run.json. Stored as the lower-case
/// names below everywhere (tables through <see cref="PipelineStatusNames"/>, JSON through the converter).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<SeriesStatus>))]
public enum SeriesStatus
{
    [JsonStringEnumMemberName("incomplete")] Incomplete,
    [JsonStringEnumMemberName("stale")] Stale,
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("analysing")] Analysing,
    [JsonStringEnumMemberName("analysed")] Analysed,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>Status of a run in the runs table, its outcome and run.json.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>Every step ran but at least one series was not analysed (failed, quarantined, stale or incomplete).</summary>
    [JsonStringEnumMemberName("completed with failures")] CompletedWithFailures,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>The stored spelling of each status, the one its <see cref="JsonStringEnumMemberNameAttribute"/> gives, and back.</summary>
public static class PipelineStatusNames
{
    public static string Name(this SeriesStatus status) => Spelling<SeriesStatus>.Names[status];

    public static string Name(this RunStatus status) => Spelling<RunStatus>.Names[status];

    public static SeriesStatus ParseSeriesStatus(string name) => Spelling<SeriesStatus>.Parse(name);

    public static RunStatus ParseRunStatus(string name) => Spelling<RunStatus>.Parse(name);

    private static class Spelling<T> where T : struct, Enum
    {
        public static readonly IReadOnlyDictionary<T, string> Names = Enum.GetValues<T>().ToDictionary(v => v,
            v => typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name);

        public static T Parse(string name) => Names.FirstOrDefault(p => p.Value == name) is { Value: not null } found
            ? found.Key : throw new FormatException($"unknown {typeof(T).Name} '{name}'");
    }
}
