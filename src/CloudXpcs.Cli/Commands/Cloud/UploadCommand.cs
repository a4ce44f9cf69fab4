using System.ComponentModel;
using CloudXpcs.Data.Hdf5;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Transfer;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// <c>cloudxpcs upload --beamtime DIR [--watch]</c>: facility-to-cloud transfer into raw/{beamtime}/ — parallel,
/// resumable (blobs with the same MD5 are skipped), verified; with --watch it follows the detector output folder and
/// uploads each file once it is complete (size and time unchanged for --settle-ms and, for HDF5 chunks, readable).
/// </summary>
public sealed class UploadCommand : AsyncCommand<UploadCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--beamtime <DIR>")]
        [Description("Beamtime folder in the contract layout.")]
        public string? Beamtime { get; init; }

        [CommandOption("--parallel <N>")]
        [Description("Uploads at once (default 4).")]
        public int Parallel { get; init; } = 4;

        [CommandOption("--new-version")]
        [Description("A file whose blob already holds other content becomes that blob's new version (raw is immutable: without this such a file is refused, exit 2; in Azure the earlier version is kept by blob versioning).")]
        public bool NewVersion { get; init; }

        [CommandOption("--watch")]
        [Description("Keep following the folder and upload new files once complete (stop with Ctrl+C).")]
        public bool Watch { get; init; }

        [CommandOption("--settle-ms <MS>")]
        [Description("With --watch: a file is complete when unchanged for this long (default 2000).")]
        public int SettleMs { get; init; } = 2000;

        [CommandOption("--watch-seconds <S>")]
        [Description("With --watch: stop after this many seconds (default: until Ctrl+C).")]
        public double? WatchSeconds { get; init; }

        [CommandOption("--analyse")]
        [Description("With --watch: also run the pipeline in this process: each series is analysed as soon as its last chunk lands, and while its chunks arrive a partial result (g2 and speed of the chunks landed, shown here and by status) is kept up to date.")]
        public bool Analyse { get; init; }

        [CommandOption("--live-interval-s <S>")]
        [Description("With --analyse: at most one partial result per series every S seconds (default 5; 0: no partial results).")]
        public double LiveIntervalS { get; init; } = LiveFeedbackOptions.DefaultInterval.TotalSeconds;

        [CommandOption("--workers <N>")]
        [Description("With --analyse: activities at once (default 2).")]
        public int Workers { get; init; } = 2;

        public override ValidationResult Validate() =>
            Beamtime is null ? ValidationResult.Error("--beamtime is required")
            : !Directory.Exists(Beamtime) ? ValidationResult.Error($"--beamtime {Beamtime}: folder not found")
            : Parallel is < 1 or > 64 ? ValidationResult.Error("--parallel must be 1..64")
            : Analyse && !Watch ? ValidationResult.Error("--analyse needs --watch (without it, run the uploaded beamtime with cloudxpcs run)")
            : !(LiveIntervalS is >= 0 and <= 3600) ? ValidationResult.Error("--live-interval-s must be 0..3600")
            : Workers is < 1 or > 64 ? ValidationResult.Error("--workers must be 1..64")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string beamtime = BeamtimeUploader.BeamtimeName(settings.Beamtime!);
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken);
        var uploader = new BeamtimeUploader(session.Storage.Raw, settings.Parallel, settings.NewVersion ? RawUploadMode.NewVersion : RawUploadMode.Immutable);
        if (!settings.Watch)
        {
            var summary = await uploader.UploadFolderAsync(settings.Beamtime!, beamtime, new Progress<string>(n => Console.WriteLine($"uploaded {n}")), cancellationToken);
            Console.WriteLine($"{summary.Uploaded} uploaded ({summary.Bytes / 1e6:0.0} MB), {summary.Skipped} already present with the same MD5");
            return 0;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.WatchSeconds is double seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var watcher = new FolderUploadWatcher(settings.Beamtime!, beamtime, uploader, TimeSpan.FromMilliseconds(settings.SettleMs), IsCompleteChunk);
        Console.WriteLine($"watching {Path.GetFullPath(settings.Beamtime!)} -> {session.Options.RawContainer}/{beamtime}/ (Ctrl+C to stop)");
        if (settings.Analyse)
            return await LiveAnalysisWatch.RunAsync(session, watcher, beamtime, settings.Workers,
                settings.LiveIntervalS > 0 ? new LiveFeedbackOptions { MinInterval = TimeSpan.FromSeconds(settings.LiveIntervalS) } : null, stop.Token);
        int total = await watcher.RunAsync(name => Console.WriteLine($"uploaded {name}"), stop.Token);
        Console.WriteLine($"{total} files uploaded while watching");
        return 0;
    }

    /// <summary>An HDF5 chunk is complete when it opens as a contract chunk; other files only need to have settled.</summary>
    private static bool IsCompleteChunk(string path)
    {
        if (!path.EndsWith(".h5", StringComparison.Ordinal)) return true;
        try
        {
            using var reader = ChunkFileReader.Open(path);
            return reader.FrameCount > 0;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
