using System.ComponentModel;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Transfer;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary><c>cloudxpcs run --beamtime DIR --out DIR2</c>: upload a beamtime folder and run it through the durable local host.</summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--beamtime <DIR>")]
        [Description("Beamtime folder in the contract layout (beamtime.json, xpcs/, xam/, echem.csv).")]
        public string? Beamtime { get; init; }

        public override ValidationResult Validate() =>
            Beamtime is null ? ValidationResult.Error("--beamtime is required")
            : !Directory.Exists(Beamtime) ? ValidationResult.Error($"--beamtime {Beamtime}: folder not found")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string beamtime = BeamtimeUploader.BeamtimeName(settings.Beamtime!);
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken);
        var run = await BeamtimeRunner.RunAsync(session, settings, beamtime, settings.Beamtime, cancellationToken);
        BeamtimeRunner.PrintSummary(run, session);
        return RunExitCode.For(run.Outcome.Status);
    }
}

/// <summary><c>cloudxpcs reprocess --beamtime NAME</c>: a new run of an uploaded beamtime, e.g. with a new q/χ binning.</summary>
public sealed class ReprocessCommand : AsyncCommand<ReprocessCommand.Settings>
{
    public sealed class Settings : RunSettings
    {
        [CommandOption("--beamtime <NAME>")]
        [Description("Name of a beamtime already in the raw container.")]
        public string? Beamtime { get; init; }

        public override ValidationResult Validate() =>
            Beamtime is null ? ValidationResult.Error("--beamtime is required")
            : Pipeline.Storage.RawBlobName.Check(Beamtime + "/x") is { Length: > 0 } problem ? ValidationResult.Error($"--beamtime: {problem}")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken);
        var run = await BeamtimeRunner.RunAsync(session, settings, settings.Beamtime!, null, cancellationToken);
        BeamtimeRunner.PrintSummary(run, session);
        return RunExitCode.For(run.Outcome.Status);
    }
}
