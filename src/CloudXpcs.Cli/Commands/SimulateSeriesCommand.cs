using System.ComponentModel;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Science.Synthetic;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs simulate-series --out DIR</c>: a synthetic heterodyne XPCS series with its truth.json.</summary>
public sealed class SimulateSeriesCommand : Command<SimulateSeriesCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <DIR>")]
        [Description("Series folder to write (series.json, chunk-NNNNN.h5, truth.json).")]
        public string? Out { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Random seed (default 1).")]
        public int Seed { get; init; } = 1;

        [CommandOption("--speed-A-per-s <V>")]
        [Description("Polymer speed along the flow axis in Å/s (default 30).")]
        public double SpeedAPerS { get; init; } = 30;

        [CommandOption("--frames <N>")]
        [Description("Frames (default 2048).")]
        public int Frames { get; init; } = 2048;

        [CommandOption("--frame-time-s <S>")]
        [Description("Frame time in seconds (default 0.2).")]
        public double FrameTimeS { get; init; } = 0.2;

        [CommandOption("--chunks <N>")]
        [Description("Chunk files (default 4).")]
        public int Chunks { get; init; } = 4;

        [CommandOption("--binning <B>")]
        [Description("The contract's example 512x512 detector binned BxB (default 4: 128x128 pixels).")]
        public int Binning { get; init; } = 4;

        [CommandOption("--mean-counts <C>")]
        [Description("Mean photons per pixel per frame (default 0.5).")]
        public double MeanCounts { get; init; } = 0.5;

        [CommandOption("--beta <B>")]
        [Description("Speckle contrast (default 0.2).")]
        public double Beta { get; init; } = 0.2;

        [CommandOption("--heterodyne-fraction <H>")]
        [Description("Share of the sample (moving) scattering, h (default 0.5).")]
        public double HeterodyneFraction { get; init; } = 0.5;

        [CommandOption("--tau0-s <S>")]
        [Description("Decorrelation time of the sample field in seconds (default 300).")]
        public double Tau0S { get; init; } = 300;

        [CommandOption("--gamma <G>")]
        [Description("Stretching exponent of the field correlation (default 1).")]
        public double Gamma { get; init; } = 1;

        [CommandOption("--position-mm <X>")]
        [Description("Beam position from the cell centre in mm (metadata, default 0).")]
        public double PositionMm { get; init; }

        [CommandOption("--time-min <T>")]
        [Description("Polarization time in minutes (metadata, default 0).")]
        public double TimeMin { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out DIR is required");
            if (Chunks < 1 || Chunks > Frames) return ValidationResult.Error("--chunks must be between 1 and --frames");
            if (Binning < 1 || 512 % Binning != 0) return ValidationResult.Error($"--binning must divide 512 (got {Binning})");
            long pixels = (512L / Binning) * (512L / Binning);
            if (Frames * pixels * sizeof(ushort) > HeterodyneSpeckleSimulator.MaxSeriesBytes)
                return ValidationResult.Error($"--frames {Frames} of {512 / Binning}x{512 / Binning} pixels need more than the simulator's {HeterodyneSpeckleSimulator.MaxSeriesBytes >> 20} MiB buffer: use fewer --frames or a larger --binning");
            if (!(FrameTimeS >= 1e-9 && FrameTimeS <= 1e6)) return ValidationResult.Error($"--frame-time-s must be in [1e-9, 1e6] s, got {FrameTimeS}");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var spec = new HeterodyneSeriesSpec
        {
            Geometry = ReducedDetector.ContractExampleBinned(settings.Binning),
            Frames = settings.Frames,
            FrameTimeS = settings.FrameTimeS,
            SpeedAPerS = settings.SpeedAPerS,
            ContrastBeta = settings.Beta,
            HeterodyneFraction = settings.HeterodyneFraction,
            Tau0S = settings.Tau0S,
            Gamma = settings.Gamma,
            MeanCountsPerPixelPerFrame = settings.MeanCounts,
            Seed = settings.Seed,
            PositionMm = settings.PositionMm,
            PolarizationTimeMin = settings.TimeMin,
        };
        spec.Validate();
        string folder = settings.Out!;
        string name = Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar));
        ProgressReporting.Run($"simulating {name}", 1, progress =>
        {
            SyntheticSeriesWriter.Write(folder, "synthetic", name, spec, settings.Chunks);
            progress.Report(1);
            return 0;
        });
        AnsiConsole.WriteLine($"simulate-series: {spec.Frames} frames of {spec.Geometry.Rows} x {spec.Geometry.Cols} pixels, " +
                              $"v = {spec.SpeedAPerS} A/s, beta = {spec.ContrastBeta}, h = {spec.HeterodyneFraction}, tau0 = {spec.Tau0S} s");
        AnsiConsole.WriteLine($"wrote {Path.GetFullPath(folder)} (series.json, {settings.Chunks} chunks, {TruthJson.FileName})");
        return 0;
    }
}
