using System.Globalization;

namespace CloudXpcs.Pipeline.Contracts;

/// <summary>
/// Live feedback while series are acquired: a partial result (g2 and speed of the chunks landed so far) per series,
/// at most one computation per series at a time and at most one every <see cref="MinInterval"/>; null options: off.
/// </summary>
public sealed record LiveFeedbackOptions
{
    public const string Setting = "CLOUDXPCS_LIVE_INTERVAL_S";
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    public TimeSpan MinInterval { get; init; } = DefaultInterval;

    /// <summary>From a setting in seconds: absent or blank gives <paramref name="absent"/>, "0" or "off" gives none (off).</summary>
    public static LiveFeedbackOptions? FromSetting(string? seconds, LiveFeedbackOptions? absent)
    {
        if (string.IsNullOrWhiteSpace(seconds)) return absent;
        if (seconds.Trim() is "off" or "0") return null;
        if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s > 0) || s > 3600)
            throw new ArgumentException($"{Setting} must be seconds in (0, 3600], 0 or off; got '{seconds}'");
        return new LiveFeedbackOptions { MinInterval = TimeSpan.FromSeconds(s) };
    }
}

/// <summary>A partial result of <paramref name="Series"/> is wanted: <paramref name="ChunksLanded"/> of its chunks are there (the instance's key).</summary>
public sealed record LiveSeriesRequest(string Beamtime, string Series, int ChunksLanded, double MinIntervalS);

public enum LiveStep
{
    /// <summary>A partial result was written.</summary>
    Written,
    /// <summary>Another partial of the series is being computed or one was written less than the interval ago: ask again in WaitS.</summary>
    Wait,
    /// <summary>Nothing to do: the series is complete, its partial is up to date, or it cannot have one (Reason).</summary>
    Skipped,
}

public sealed record LiveStepResult(LiveStep Step, double WaitS, int ChunksCovered, int FramesCovered, string? Reason, double Ms);
