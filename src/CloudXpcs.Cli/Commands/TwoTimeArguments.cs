using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Science.Correlation.TwoTime;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary>The settings of a command that can add two-time correlation (correlate, analyze-series).</summary>
public abstract class TwoTimeCommandSettings : CommandSettings
{
    [CommandOption("--twotime")]
    [Description("Also the two-time correlation of each processed bin (g2.h5 /xpcs/twotime, the viewer's layout).")]
    public bool TwoTime { get; init; }

    [CommandOption("--twotime-bins <BINS>")]
    [Description(TwoTimeArguments.BinsDescription)]
    public string? TwoTimeBins { get; init; }

    [CommandOption("--avg-frame <N>")]
    [Description(TwoTimeArguments.AverageDescription)]
    public int AverageFrames { get; init; } = 1;

    [CommandOption("--stride-frame <N>")]
    [Description(TwoTimeArguments.StrideDescription)]
    public int StrideFrames { get; init; } = 1;

    protected ValidationResult ValidateTwoTime() => TwoTimeArguments.Validate(TwoTime, TwoTimeBins, AverageFrames, StrideFrames);

    public TwoTimeOptions? TwoTimeOptions() => TwoTimeArguments.Options(TwoTime, TwoTimeBins, AverageFrames, StrideFrames);
}

/// <summary>The two-time options shared by correlate and analyze-series: --twotime, --twotime-bins, --avg-frame, --stride-frame.</summary>
internal static class TwoTimeArguments
{
    public const string AverageDescription = "Two-time: raw frames averaged into one correlator frame (default 1).";
    public const string StrideDescription = "Two-time: take every N-th raw frame (default 1).";
    public const string BinsDescription = "Dynamic bins (0-based q-map bins b = iq*phi_bins + ichi) for --twotime, comma-separated; default: every populated bin.";

    public static ValidationResult Validate(bool twoTime, string? bins, int avg, int stride)
    {
        if (!twoTime && (bins is not null || avg != 1 || stride != 1))
            return ValidationResult.Error("--twotime-bins, --avg-frame and --stride-frame need --twotime");
        if (avg < 1) return ValidationResult.Error("--avg-frame must be >= 1");
        if (stride < 1) return ValidationResult.Error("--stride-frame must be >= 1");
        if (bins is not null && ParseBins(bins) is null) return ValidationResult.Error($"--twotime-bins '{bins}' is not a comma-separated list of bin numbers");
        return ValidationResult.Success();
    }

    public static TwoTimeOptions? Options(bool twoTime, string? bins, int avg, int stride) =>
        twoTime ? new TwoTimeOptions { AverageFrames = avg, StrideFrames = stride, Bins = bins is null ? null : ParseBins(bins) } : null;

    private static int[]? ParseBins(string text)
    {
        var bins = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int b)) return null;
            bins.Add(b);
        }
        return bins.Count > 0 ? bins.ToArray() : null;
    }
}
