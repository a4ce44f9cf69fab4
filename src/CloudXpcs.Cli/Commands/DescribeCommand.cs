using System.ComponentModel;
using CloudXpcs.Analysis.Xpcs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands;

/// <summary><c>cloudxpcs describe --raw MASTER.h5 --metadata META.hdf --qmap QMAP.h5</c>: series.json for a series as the detector wrote it.</summary>
public sealed class DescribeCommand : Command<DescribeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--raw <FILE>")]
        [Description("The detector's HDF5 file: one file holding /entry/data/data, or an Eiger/Lambda master file whose /entry/data links to data files beside it. series.json is written in its folder.")]
        public string? Raw { get; init; }

        [CommandOption("--metadata <FILE>")]
        [Description("The beamline's metadata file: APS 8-ID-I *_metadata.hdf (NeXus) or an Eiger master (default: the raw file itself). Energy, detector distance, pixel size, beam centre, frame time.")]
        public string? Metadata { get; init; }

        [CommandOption("--qmap <FILE>")]
        [Description("A q-map of the masking tools (an APS 8-ID-I result file's /xpcs/qmap or pySimpleMask's qmap HDF5), used as is instead of CloudXpcs's equal-width binning; copied into the series folder.")]
        public string? QMap { get; init; }

        [CommandOption("--beamtime <NAME>")]
        [Description("Beamtime name (default: the name of the folder above the series folder).")]
        public string? Beamtime { get; init; }

        [CommandOption("--series <NAME>")]
        [Description("Series name (default: the series folder's name).")]
        public string? Series { get; init; }

        [CommandOption("--position-mm <MM>")]
        [Description("Beam position in the cell (mm, default 0).")]
        public double PositionMm { get; init; }

        [CommandOption("--polarization-time-min <MIN>")]
        [Description("Polarization time of the series (min, default 0).")]
        public double PolarizationTimeMin { get; init; }

        [CommandOption("--flow-axis-deg <DEG>")]
        [Description("Detector angle of the flow axis (deg, default 0); chi = phi - flow axis.")]
        public double FlowAxisDeg { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Raw) ? ValidationResult.Error("--raw FILE is required")
            : !double.IsFinite(PositionMm) ? ValidationResult.Error($"--position-mm must be finite, got {PositionMm}")
            : !double.IsFinite(PolarizationTimeMin) ? ValidationResult.Error($"--polarization-time-min must be finite, got {PolarizationTimeMin}")
            : !(Math.Abs(FlowAxisDeg) <= 360) ? ValidationResult.Error($"--flow-axis-deg must be within ±360 deg, got {FlowAxisDeg}")
            : NotPlain("--series", Series) ?? NotPlain("--beamtime", Beamtime) ?? ValidationResult.Success();

        /// <summary>A name that becomes a folder of the upload must not be a path.</summary>
        private static ValidationResult? NotPlain(string option, string? name) =>
            name is not null && (name.Length == 0 || name.IndexOfAny(['/', '\\', ':']) >= 0 || name is "." or "..")
                ? ValidationResult.Error($"{option} must be a plain name (no '/', '\\', ':', not '.' or '..'), got \"{name}\"")
                : null;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (manifest, path) = DetectorSeriesDescription.Describe(settings.Raw!, settings.Metadata, settings.QMap,
            new SeriesLabels(settings.Beamtime, settings.Series, settings.PositionMm, settings.PolarizationTimeMin, settings.FlowAxisDeg));
        Console.WriteLine($"describe: {manifest.Series}: {manifest.Frames} frames of {manifest.Rows} x {manifest.Cols} pixels in {manifest.Raw!.Files.Count} file(s) " +
                          $"({string.Join(", ", manifest.Raw.Files)}), frame time {manifest.FrameTimeS:G6} s, {manifest.Detector.EnergyKeV:G6} keV, " +
                          $"distance {manifest.Detector.DistanceM:G6} m, q-map {(manifest.QMapFile is { } q ? q.Name + " (as is)" : "equal-width bins")}");
        Console.WriteLine($"wrote {path}");
        return 0;
    }
}
