using System.ComponentModel;
using System.Diagnostics;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data.Manifests;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs correlate --series DIR/series.json --out g2.h5</c>: multi-tau correlation of one series.</summary>
public sealed class CorrelateCommand : Command<CorrelateCommand.Settings>
{
    public sealed class Settings : TwoTimeCommandSettings
    {
        [CommandOption("--series <SERIES_JSON>")]
        [Description("series.json of a contract series folder (or the folder itself).")]
        public string? Series { get; init; }

        [CommandOption("--out <G2_H5>")]
        [Description("Output g2.h5 (APS 8-ID-I layout, DATA_CONTRACT 5.1). Written under a temporary name, then renamed.")]
        public string? Out { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Correlation threads (default: all cores).")]
        public int Threads { get; init; } = -1;

        [CommandOption("--batch-frames <N>")]
        [Description("Frames read per batch (default: about 256 MiB of frames; uncompressed series otherwise take every frame at once).")]
        public int BatchFrames { get; init; }

        [CommandOption("--detector-format <FORMAT>")]
        [Description("Read the frames from a photon-counting detector file instead of the chunks: rigaku-500k, rigaku-3m or imm (series.json gives geometry, binning, mask).")]
        public string? DetectorFormat { get; init; }

        [CommandOption("--detector-files <FILES>")]
        [Description("With --detector-format: the detector file, or for rigaku-3m the six .bin.000-.bin.005 files (comma-separated) or the .bin.000 file.")]
        public string? DetectorFiles { get; init; }

        [CommandOption("--verbose")]
        [Description("Print where the time went: open, read, decompress, correlate, finalise, write (seconds each) and pixel-frames/s of the whole process.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if ((DetectorFormat is null) != (DetectorFiles is null)) return ValidationResult.Error("--detector-format and --detector-files go together");
            if (ValidateTwoTime() is { Successful: false } twoTime) return twoTime;
            if (string.IsNullOrWhiteSpace(Series)) return ValidationResult.Error("--series SERIES_JSON is required");
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out G2_H5 is required");
            if (BatchFrames < 0) return ValidationResult.Error("--batch-frames must be positive");
            return ValidationResult.Success();
        }
    }

    /// <summary>The series folder from a path to series.json or to the folder; a clear error when neither exists.</summary>
    public static string SeriesFolder(string seriesArgument)
    {
        if (Directory.Exists(seriesArgument)) return seriesArgument;
        if (!File.Exists(seriesArgument)) throw new FileNotFoundException($"{seriesArgument}: series not found");
        return Path.GetDirectoryName(Path.GetFullPath(seriesArgument))!;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string folder = SeriesFolder(settings.Series!);
        var manifest = SeriesManifest.Load(Path.Combine(folder, SeriesManifest.FileName));
        if (settings.TwoTimeOptions() is { } twoTime && twoTime.CorrelatorFrames(manifest.Frames) < 2)
            throw new ArgumentException($"--stride-frame {twoTime.StrideFrames} with --avg-frame {twoTime.AverageFrames} leaves " +
                $"{twoTime.CorrelatorFrames(manifest.Frames)} of the series' {manifest.Frames} frames for two-time, which needs at least 2");
        var options = new SeriesCorrelationOptions
        {
            Threads = settings.Threads, BatchFrames = settings.BatchFrames, StatePool = ProcessCorrelatorStates.Pool,
            TwoTime = settings.TwoTimeOptions(),
            Timings = settings.Verbose ? new CorrelationStageTimes() : null,
        };
        var clock = Stopwatch.StartNew();
        var result = ProgressReporting.Run($"correlating {manifest.Series}", manifest.Frames,
            progress => settings.DetectorFormat is { } format
                ? EventSeriesCorrelation.CorrelateToFile(folder, format, settings.DetectorFiles!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                    settings.Out!, options, new FramesProgress(progress))
                : SeriesCorrelation.CorrelateToFile(folder, settings.Out!, options, new FramesProgress(progress)));
        double seconds = clock.Elapsed.TotalSeconds;
        double pixelFrames = (double)manifest.Frames * manifest.PixelsPerFrame;
        AnsiConsole.WriteLine($"correlate: {manifest.Series}: {manifest.Frames} frames of {manifest.Rows} x {manifest.Cols} pixels, " +
                              $"{result.TauCount} delays x {result.BinCount} q/phi bins ({result.QMap.BinnedPixelCount} binned pixels) " +
                              $"in {seconds:F2} s ({pixelFrames / seconds:E2} pixel-frames/s, reading included)");
        AnsiConsole.WriteLine($"wrote {Path.GetFullPath(settings.Out!)}");
        if (options.Timings is { } t)
        {
            double process = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;
            // Plain lines (not wrapped at the terminal's width): benchmarks read them.
            Console.WriteLine(FormattableString.Invariant(
                $"time: open {t.OpenS:F3} s, read {t.ReadS:F3} s ({t.MappedChunks} chunk(s) memory-mapped, {t.ReadChunks} read through HDF5; {(t.WholeSeries ? "every frame mapped at once, column blocks correlated through the whole series" : t.ReadThreads > 1 ? $"{t.ReadThreads} reading threads, each its part of a batch" : "reading thread")}; correlation waited {t.ReadWaitS:F3} s for frames), decompress {t.DecompressS:F3} s, correlate {t.CorrelateS:F3} s, finalise {t.FinaliseS:F3} s, write {t.WriteS:F3} s"));
            Console.WriteLine(FormattableString.Invariant(
                $"whole process: {process:F3} s since start ({pixelFrames / process:E2} pixel-frames/s), user {Process.GetCurrentProcess().UserProcessorTime.TotalSeconds:F3} s, system {Process.GetCurrentProcess().PrivilegedProcessorTime.TotalSeconds:F3} s"));
        }
        return 0;
    }

    internal sealed class FramesProgress(IProgress<double> inner) : IProgress<long>
    {
        public void Report(long value) => inner.Report(value);
    }
}
