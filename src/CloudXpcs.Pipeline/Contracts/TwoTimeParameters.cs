using System.Text.Json.Serialization;
using CloudXpcs.Science.Correlation.TwoTime;

namespace CloudXpcs.Pipeline.Contracts;

/// <summary>
/// Two-time correlation as an option of a run (run.json "twotime"): the same options as <c>analyze-series --twotime</c>,
/// and how many bin groups the processed bins are split into (one activity each, merged exactly).
/// </summary>
public sealed record TwoTimeParameters
{
    public const int MaxBinGroups = 64;
    public const int MaxAgeWindows = 1000;
    public const int MaxBins = 100_000;

    /// <summary>The dynamic bins (0-based q-map bins); null: every populated bin.</summary>
    [JsonPropertyName("bins")] public IReadOnlyList<int>? Bins { get; init; }

    [JsonPropertyName("avg_frame")] public int AverageFrames { get; init; } = 1;

    [JsonPropertyName("stride_frame")] public int StrideFrames { get; init; } = 1;

    /// <summary>Time windows along the diagonal for fit.json age_resolved_speed (analyze-series --age-windows).</summary>
    [JsonPropertyName("age_windows")] public int AgeWindows { get; init; } = 4;

    /// <summary>Activities the processed bins are split into (contiguous groups in bin order).</summary>
    [JsonPropertyName("bin_groups")] public int BinGroups { get; init; } = 1;

    public TwoTimeOptions ToOptions() => new() { AverageFrames = AverageFrames, StrideFrames = StrideFrames, Bins = Bins };

    /// <summary>Throws <see cref="ArgumentException"/> naming the field out of range.</summary>
    public void Validate()
    {
        if (AverageFrames is < 1 or > 1_000_000) throw new ArgumentException($"twotime.avg_frame: 1..1000000 (got {AverageFrames})");
        if (StrideFrames is < 1 or > 1_000_000) throw new ArgumentException($"twotime.stride_frame: 1..1000000 (got {StrideFrames})");
        if (AgeWindows is < 1 or > MaxAgeWindows) throw new ArgumentException($"twotime.age_windows: 1..{MaxAgeWindows} (got {AgeWindows})");
        if (BinGroups is < 1 or > MaxBinGroups) throw new ArgumentException($"twotime.bin_groups: 1..{MaxBinGroups} (got {BinGroups})");
        if (Bins is { } bins)
        {
            if (bins.Count is 0 or > MaxBins) throw new ArgumentException($"twotime.bins: give 1..{MaxBins} bin numbers, or null for every populated bin");
            for (int k = 0; k < bins.Count; k++)
            {
                if (bins[k] < 0) throw new ArgumentException($"twotime.bins: {bins[k]} is negative");
                if (k > 0 && bins[k] <= bins[k - 1]) throw new ArgumentException("twotime.bins: bin numbers must increase");
            }
        }
    }

    /// <summary>The bins of group <paramref name="group"/>: the <paramref name="group"/>-th of <see cref="BinGroups"/> contiguous pieces (may be empty).</summary>
    public int[] GroupBins(IReadOnlyList<int> processed, int group) =>
        processed.Skip(processed.Count * group / BinGroups).Take(processed.Count * (group + 1) / BinGroups - processed.Count * group / BinGroups).ToArray();
}
