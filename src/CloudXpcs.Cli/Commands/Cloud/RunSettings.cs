using System.ComponentModel;
using System.Globalization;
using CloudXpcs.Pipeline.Orchestration;
using Spectre.Console;
using Spectre.Console.Cli;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>Options of a beamtime run (run, reprocess, demo).</summary>
public class RunSettings : StorageSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Folder the run's results are downloaded to, as DIR/{beamtime}/... (default: out/runs).")]
    public string Out { get; init; } = Path.Combine("out", "runs");

    [CommandOption("--run-id <ID>")]
    [Description("Run id (default: UTC time plus a random suffix). Runs are never overwritten.")]
    public string? RunId { get; init; }

    [CommandOption("--workers <N>")]
    [Description("Activities run at once by the local host (default 2).")]
    public int Workers { get; init; } = 2;

    [CommandOption("--sets <LIST>")]
    [Description("Transport sets to simulate, e.g. PNB,RS (default: those of beamtime.json).")]
    public string? Sets { get; init; }

    [CommandOption("--qmap <QMIN,QMAX,QBINS,PHIBINS,STATIC>")]
    [Description("New q/chi binning for every series (reprocessing), e.g. 0.0029,0.0192,9,18,4.")]
    public string? QMap { get; init; }

    [CommandOption("--shard-threshold <PIXELS>")]
    [Description("Series with more pixels per frame are correlated in pixel shards, one activity each (default 1048576).")]
    public long ShardThreshold { get; init; } = 1L << 20;

    [CommandOption("--stall-timeout-s <SECONDS>")]
    [Description("Stop waiting (exit 1, the run left to be resumed) when the run makes no progress for this long (default: two leases and a minute).")]
    public double? StallTimeoutS { get; init; }

    [CommandOption("--lease-s <SECONDS>")]
    [Description("Lease of queued work: an activity must finish within it; after a crash the work in flight resumes when it expires (default 300).")]
    public double LeaseS { get; init; } = 300;

    [CommandOption("--no-infer")]
    [Description("Skip the transference-number inference.")]
    public bool NoInfer { get; init; }

    [CommandOption("--twotime")]
    [Description("Also the two-time correlation of every correlated series (g2.h5 /xpcs/twotime, fit.json age_resolved_speed).")]
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

    [CommandOption("--age-windows <N>")]
    [Description("Two-time: time windows for the age-resolved speed (default 4).")]
    public int AgeWindows { get; init; } = 4;

    [CommandOption("--twotime-groups <N>")]
    [Description("Two-time: bin groups, one activity each, merged exactly (default 1).")]
    public int TwoTimeGroups { get; init; } = 1;

    public override ValidationResult Validate()
    {
        if (Workers is < 1 or > 64) return ValidationResult.Error("--workers must be 1..64");
        if (!(LeaseS >= 5)) return ValidationResult.Error("--lease-s must be >= 5");
        if (StallTimeoutS is { } stall && !(stall >= 5)) return ValidationResult.Error("--stall-timeout-s must be >= 5");
        if (ShardThreshold < 1) return ValidationResult.Error("--shard-threshold must be >= 1");
        if (!TwoTime && (AgeWindows != 4 || TwoTimeGroups != 1)) return ValidationResult.Error("--age-windows and --twotime-groups need --twotime");
        if (TwoTimeArguments.Validate(TwoTime, TwoTimeBins, AverageFrames, StrideFrames) is { Successful: false } twoTimeProblem) return twoTimeProblem;
        try { _ = Parameters(); } catch (ArgumentException e) { return ValidationResult.Error(e.Message); }
        return ValidationResult.Success();
    }

    public RunParameters Parameters() => new()
    {
        QMap = QMap is null ? null : ParseQMap(QMap),
        TransportSets = Sets?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        ShardPixelThreshold = ShardThreshold,
        Infer = !NoInfer,
        TwoTime = TwoTimeRunParameters(),
    };

    private TwoTimeParameters? TwoTimeRunParameters()
    {
        if (TwoTimeArguments.Options(TwoTime, TwoTimeBins, AverageFrames, StrideFrames) is not { } options) return null;
        var parameters = new TwoTimeParameters
        {
            Bins = options.Bins, AverageFrames = options.AverageFrames, StrideFrames = options.StrideFrames, AgeWindows = AgeWindows, BinGroups = TwoTimeGroups,
        };
        parameters.Validate();
        return parameters;
    }

    private static QMapOverride ParseQMap(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 5) throw new ArgumentException("--qmap needs 5 values: q_min,q_max,q_bins,phi_bins,static_per_dynamic");
        double D(int i) => double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
            : throw new ArgumentException($"--qmap: '{parts[i]}' is not a number");
        int I(int i) => int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ArgumentException($"--qmap: '{parts[i]}' is not an integer");
        var qmap = new QMapOverride(D(0), D(1), I(2), I(3), I(4));
        qmap.Validate();
        return qmap;
    }
}
