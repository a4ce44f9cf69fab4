using System.ComponentModel;
using System.Runtime.InteropServices;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>
/// <c>cloudxpcs worker --storage C --task-hub H</c>: one more host process on a task hub, as a Functions app scales out
/// in Azure. It takes activities (correlations, fits, simulations) from the hub's shared work-item queue beside the
/// process that runs <c>run</c> or <c>reprocess</c>; orchestrations stay with whichever process holds the hub's partition
/// lease. A worker killed mid-activity loses nothing: that activity's message becomes visible again when its lease
/// (<c>--lease-s</c>, which must match the other processes') expires, and another process runs it.
/// </summary>
public sealed class WorkerCommand : AsyncCommand<WorkerCommand.Settings>
{
    public sealed class Settings : StorageSettings
    {
        [CommandOption("--workers <N>")]
        [Description("Activities this process runs at once (default 2).")]
        public int Workers { get; init; } = 2;

        [CommandOption("--lease-s <SECONDS>")]
        [Description("Lease of queued work, as given to run/reprocess on the same task hub (default 300).")]
        public double LeaseS { get; init; } = 300;

        [CommandOption("--worker-id <NAME>")]
        [Description("This process's name on the task hub (default: machine name, process id); unique among the hub's processes.")]
        public string? WorkerId { get; init; }

        [CommandOption("--for-s <SECONDS>")]
        [Description("Stop after this long (default: until Ctrl+C or SIGTERM).")]
        public double? ForS { get; init; }

        public override ValidationResult Validate() =>
            Storage is null && Environment.GetEnvironmentVariable(Pipeline.Storage.PipelineStorageOptions.ConnectionSetting) is null or ""
                ? ValidationResult.Error("--storage (or CLOUDXPCS_STORAGE) is required: a worker joins the task hub of a shared storage account")
            : TaskHub is null ? ValidationResult.Error("--task-hub is required: the task hub of the run the worker joins")
            : Workers is < 1 or > 64 ? ValidationResult.Error("--workers must be 1..64")
            : !(LeaseS >= 5) ? ValidationResult.Error("--lease-s must be >= 5")
            : ForS is { } s && !(s > 0) ? ValidationResult.Error("--for-s must be > 0")
            : WorkerId is { Length: 0 or > 100 } ? ValidationResult.Error("--worker-id must be 1..100 characters")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string workerId = settings.WorkerId ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        await using var session = await StorageSession.OpenAsync(settings, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (settings.ForS is { } seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => { signal.Cancel = true; stop.Cancel(); });
        var log = new ActivityStartLog(workerId);
        await using (var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            Storage = session.Options, TaskHubName = session.TaskHub, WorkerId = workerId, Workers = settings.Workers,
            MessageLease = TimeSpan.FromSeconds(settings.LeaseS), ConfigureServices = services => services.AddSingleton<IActivityFaults>(log),
        }, cancellationToken: cancellationToken))
        {
            Console.WriteLine($"worker {workerId} on task hub {session.TaskHub}: {settings.Workers} activities at once (Ctrl+C or SIGTERM to stop)");
            try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
            Console.WriteLine($"worker {workerId}: stopping after {log.Started} activities started");
        }
        return 0;
    }
}

/// <summary>One line per heavy activity a worker process starts (its name and input), so the share of each process shows.</summary>
internal sealed class ActivityStartLog(string workerId) : IActivityFaults
{
    private int _started;

    public int Started => _started;

    public Task BeforeActivityAsync(string activity, string inputKey)
    {
        Interlocked.Increment(ref _started);
        Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss.f} {workerId}: {activity} {inputKey}");
        return Task.CompletedTask;
    }
}
