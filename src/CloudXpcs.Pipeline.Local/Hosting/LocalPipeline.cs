using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Science.Correlation;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>How the local pipeline runs.</summary>
public sealed record LocalPipelineOptions
{
    public required PipelineStorageOptions Storage { get; init; }
    public string TaskHubName { get; init; } = "cloudxpcs";
    /// <summary>The host's name on the task hub (<see cref="LocalDurableHostOptions.WorkerId"/>); null = the machine name.</summary>
    public string? WorkerId { get; init; }
    /// <summary>Activities at once (the "workers" of the throughput figures).</summary>
    public int Workers { get; init; } = 2;
    /// <summary>Threads of one correlation; ≤ 0 divides the cores between the workers.</summary>
    public int CorrelationThreads { get; init; }
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Lease of a queue message (activity or orchestration) before it is delivered again: an activity must finish within
    /// it, and after a crash the work in flight resumes when it expires (LOCAL_DURABLE_HOST.md, traps 2 and 5).
    /// </summary>
    public TimeSpan MessageLease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Pixels per frame above which the analyses the ingest starts are correlated in shards (null = the default).</summary>
    public long? ShardPixelThreshold { get; init; }

    /// <summary>Partial results of series whose chunks are still arriving (null: none).</summary>
    public LiveFeedbackOptions? LiveFeedback { get; init; }

    /// <summary>Extra services of the worker (tests register an <see cref="IActivityFaults"/> here); null = none.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The whole pipeline in this process on a storage account (Azurite locally): the durable host with every orchestrator
/// and activity, the ingest, the raw-container watcher, and a client to start and follow runs.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private readonly LocalDurableHost _host;
    private readonly CorrelatorStatePool _statePool;

    private LocalPipeline(LocalDurableHost host, CorrelatorStatePool statePool, PipelineStorage storage, long? shardPixelThreshold,
        LiveFeedbackOptions? liveFeedback)
    {
        _host = host;
        _statePool = statePool;
        Storage = storage;
        Ingestor = new RawBlobIngestor(storage, new DurableAnalysisScheduler(host.Client),
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<RawBlobIngestor>(), shardPixelThreshold, liveFeedback);
        Watcher = new RawBlobWatcher(storage, Ingestor);
    }

    public PipelineStorage Storage { get; }
    public RawBlobIngestor Ingestor { get; }
    public RawBlobWatcher Watcher { get; }
    public DurableTaskClient Client => _host.Client;

    public static async Task<LocalPipeline> StartAsync(LocalPipelineOptions options, Action<DurableTaskRegistry>? extraTasks = null,
        CancellationToken cancellationToken = default)
    {
        var storage = new PipelineStorage(options.Storage);
        await storage.CreateIfNotExistsAsync(cancellationToken);
        var statePool = new CorrelatorStatePool();
        int threads = options.CorrelationThreads > 0 ? options.CorrelationThreads : Math.Max(1, Environment.ProcessorCount / Math.Max(1, options.Workers));
        var host = await LocalDurableHost.StartAsync(new LocalDurableHostOptions
        {
            StorageConnectionString = options.Storage.ConnectionString,
            TaskHubName = options.TaskHubName,
            WorkerId = options.WorkerId,
            ActivityConcurrency = options.Workers,
            ActivityVisibilityTimeout = options.MessageLease,
            ControlVisibilityTimeout = options.MessageLease,
            LoggerFactory = options.LoggerFactory,
        }, registry =>
        {
            PipelineTasks.Register(registry);
            extraTasks?.Invoke(registry);
        }, services =>
        {
            services.AddSingleton(storage);
            services.AddSingleton(new PipelineWorkerSettings { CorrelationThreads = threads, StatePool = statePool });
            services.AddSingleton<IPipelineNotifier>(new StorageQueueNotifier(storage.Queues.GetQueueClient(options.Storage.EventsQueue)));
            if (options.LoggerFactory is null) services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
            options.ConfigureServices?.Invoke(services);
        }, cancellationToken);
        return new LocalPipeline(host, statePool, storage, options.ShardPixelThreshold, options.LiveFeedback);
    }

    /// <summary>Starts a run of the beamtime; the instance id is derived from beamtime and run id.</summary>
    public async Task<string> StartRunAsync(string beamtime, string runId, RunParameters parameters, CancellationToken cancellationToken = default)
    {
        string instanceId = ResultNames.RunOrchestrationId(beamtime, runId);
        if (await Client.GetInstanceAsync(instanceId, cancellationToken) is null)
            await Client.ScheduleNewOrchestrationInstanceAsync(nameof(BeamtimeOrchestrator), new BeamtimeRunRequest(beamtime, runId, parameters),
                new StartOrchestrationOptions(instanceId), cancellationToken);
        return instanceId;
    }

    /// <summary>Polls the run (every 250 ms; the backend's own wait polls every 2 s) until it ends, calling <paramref name="tick"/> meanwhile.</summary>
    public Task<OrchestrationMetadata> WaitAsync(string instanceId, Func<Task>? tick = null, CancellationToken cancellationToken = default) =>
        PollAsync(instanceId, null, tick, cancellationToken);

    /// <summary>
    /// Waits for the run like <see cref="WaitAsync"/>, and ends with <see cref="RunStalledException"/> when it makes no
    /// progress for <paramref name="stallAfter"/> (see <see cref="RunStallWatchdog"/>). Every 2 s one
    /// <see cref="RunSnapshot"/> is taken for the watchdog and handed to <paramref name="observe"/> (e.g. a progress line).
    /// </summary>
    public Task<OrchestrationMetadata> WaitForRunAsync(string beamtime, string runId, TimeSpan stallAfter, Func<RunSnapshot, Task>? observe = null,
        Func<Task>? tick = null, CancellationToken cancellationToken = default)
    {
        var watchdog = new RunStallWatchdog(Client, beamtime, runId, stallAfter);
        var sinceSnapshot = new System.Diagnostics.Stopwatch();
        return PollAsync(ResultNames.RunOrchestrationId(beamtime, runId), async (state, ct) =>
        {
            if (sinceSnapshot.IsRunning && sinceSnapshot.Elapsed < SnapshotEvery) return;
            sinceSnapshot.Restart();
            var snapshot = await RunSnapshot.TakeAsync(Storage, beamtime, runId, ct);
            await watchdog.CheckAsync(state, snapshot, ct);
            if (observe is not null) await observe(snapshot);
        }, tick, cancellationToken);
    }

    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromSeconds(2);

    private async Task<OrchestrationMetadata> PollAsync(string instanceId, Func<OrchestrationMetadata, CancellationToken, Task>? check, Func<Task>? tick,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var state = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            if (state is { IsCompleted: true }) return state;
            if (state is not null && check is not null) await check(state, cancellationToken);
            if (tick is not null) await tick();
            await Task.Delay(250, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _statePool.Dispose();
    }
}
