using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Hosting;

/// <summary>How the local durable host runs: which storage and task hub, and how much work at once.</summary>
public sealed record LocalDurableHostOptions
{
    public required string StorageConnectionString { get; init; }

    /// <summary>Task hub name (3–45 letters and digits, starting with a letter).</summary>
    public string TaskHubName { get; init; } = "cloudxpcs";

    /// <summary>
    /// This process's name among the hosts of the task hub (its partition leases are held under it); null = the machine
    /// name, which lets a restarted host take its leases back at once but allows only one such host per task hub
    /// (LOCAL_DURABLE_HOST.md trap 6). More processes on one task hub each need their own.
    /// </summary>
    public string? WorkerId { get; init; }

    /// <summary>Activities the worker runs at once.</summary>
    public int ActivityConcurrency { get; init; } = 2;

    public int OrchestrationConcurrency { get; init; } = 16;

    /// <summary>How long an activity may run before its queue message is delivered again (LOCAL_DURABLE_HOST.md trap 2).</summary>
    public TimeSpan ActivityVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an orchestration message stays hidden after a crash before another host picks it up.</summary>
    public TimeSpan ControlVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public ILoggerFactory? LoggerFactory { get; init; }
}

/// <summary>
/// The same orchestrator and activity classes that the Functions app registers, hosted locally and durably: the
/// Durable Task SDK worker talks gRPC to an in-process sidecar (TaskHubGrpcServer) whose backend is the Durable
/// Task Framework's Azure Storage provider (on Azurite locally). LOCAL_DURABLE_HOST.md explains the wiring and traps.
/// </summary>
public sealed class LocalDurableHost : IAsyncDisposable
{
    private readonly WebApplication _sidecar;
    private readonly IHost _worker;
    private readonly GrpcChannel _channel;
    private bool _stopped;

    private LocalDurableHost(WebApplication sidecar, IHost worker, GrpcChannel channel)
    {
        _sidecar = sidecar;
        _worker = worker;
        _channel = channel;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    /// <summary>The worker host's services (what activities are given).</summary>
    public IServiceProvider Services => _worker.Services;

    public static async Task<LocalDurableHost> StartAsync(LocalDurableHostOptions options, Action<DurableTaskRegistry> registerTasks,
        Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        var backend = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            WorkerId = options.WorkerId ?? Environment.MachineName,
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString),
            UseTablePartitionManagement = true,
            PartitionCount = 1,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500),
            WorkItemQueueVisibilityTimeout = options.ActivityVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.ControlVisibilityTimeout,
            // Above the worker's concurrency, or the dispatcher re-checks only every 500 ms (trap 7).
            MaxConcurrentTaskActivityWorkItems = options.ActivityConcurrency + 4,
            MaxConcurrentTaskOrchestrationWorkItems = options.OrchestrationConcurrency + 4,
            LoggerFactory = options.LoggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        });
        await backend.CreateIfNotExistsAsync();
        var service = new SidecarCompatibleOrchestrationService(backend, backend);

        string address = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var sidecarBuilder = WebApplication.CreateSlimBuilder();
        sidecarBuilder.WebHost.UseUrls(address);
        sidecarBuilder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        ConfigureLogging(sidecarBuilder.Logging, options.LoggerFactory);
        sidecarBuilder.Services.AddGrpc();
        sidecarBuilder.Services.AddSingleton<IOrchestrationService>(service);
        sidecarBuilder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        sidecarBuilder.Services.AddSingleton<TaskHubGrpcServer>();
        var sidecar = sidecarBuilder.Build();
        sidecar.MapGrpcService<TaskHubGrpcServer>();
        await sidecar.StartAsync(cancellationToken);

        var channel = GrpcChannel.ForAddress(address);
        var workerBuilder = Host.CreateApplicationBuilder();
        ConfigureLogging(workerBuilder.Logging, options.LoggerFactory);
        configureServices?.Invoke(workerBuilder.Services);
        workerBuilder.Services.AddDurableTaskWorker(b =>
        {
            b.AddTasks(registerTasks);
            b.UseGrpc(channel);
            b.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = options.ActivityConcurrency;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.OrchestrationConcurrency;
            });
        });
        workerBuilder.Services.AddDurableTaskClient(b => b.UseGrpc(channel));
        var worker = workerBuilder.Build();
        try
        {
            await worker.StartAsync(cancellationToken);
        }
        catch
        {
            await sidecar.StopAsync(CancellationToken.None);
            throw;
        }
        return new LocalDurableHost(sidecar, worker, channel);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ILoggerFactory? factory)
    {
        logging.ClearProviders();
        if (factory is not null) logging.Services.AddSingleton(factory);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
    }

    /// <summary>Stops the worker before the sidecar, so that shutdown does not wait on the open stream (trap 4).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _worker.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
        await _channel.ShutdownAsync();
        try { await _sidecar.StopAsync(timeout.Token); } catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _worker.Dispose();
        _channel.Dispose();
        await _sidecar.DisposeAsync();
    }
}
