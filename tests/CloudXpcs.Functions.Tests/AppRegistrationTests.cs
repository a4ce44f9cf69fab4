using CloudXpcs.Functions.Configuration;
using CloudXpcs.Pipeline;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudXpcs.Functions.Tests;

/// <summary>What Program.cs sets up, without the Functions host: the Durable registration and the services of the activities.</summary>
public sealed class AppRegistrationTests
{
    private sealed class WorkerBuilder : IFunctionsWorkerApplicationBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IFunctionsWorkerApplicationBuilder Use(Func<FunctionExecutionDelegate, FunctionExecutionDelegate> middleware) => this;
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static ServiceProvider BuildApp(IConfiguration configuration)
    {
        var builder = new WorkerBuilder();
        builder.Services.AddLogging();
        builder.ConfigureDurableExtension();
        builder.ConfigureDurableWorker().AddTasks(registry => PipelineTasks.Register(registry));
        builder.Services.AddCloudXpcs(configuration);
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void EveryPipelineTaskBecomesAFunctionWithItsTriggerAndResolvesFromTheAppsServices()
    {
        using var app = BuildApp(Settings((PipelineStorageOptions.ConnectionSetting, PipelineStorageOptions.DevelopmentStorage)));
        var metadata = new List<IFunctionMetadata>();
        foreach (var transformer in app.GetServices<IFunctionMetadataTransformer>()) transformer.Transform(metadata);

        var expected = new DurableTaskRegistry();
        PipelineTasks.Register(expected);
        var tasks = typeof(PipelineTasks).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t)))
            .ToList();
        Assert.Equal(12, tasks.Count);
        foreach (var type in tasks)
        {
            var function = Assert.Single(metadata, m => m.Name == type.Name);
            string trigger = typeof(ITaskOrchestrator).IsAssignableFrom(type) ? "orchestrationTrigger" : "activityTrigger";
            Assert.Contains(function.RawBindings!, b => b.Contains(trigger, StringComparison.Ordinal));
            Assert.NotNull(ActivatorUtilities.CreateInstance(app, type));
        }
        Assert.Equal(tasks.Count, metadata.Count);
    }

    [Fact]
    public void LocallyTheNotifierIsTheEventsQueueAndWithServiceBusTheTopic()
    {
        using var local = BuildApp(Settings((PipelineStorageOptions.ConnectionSetting, PipelineStorageOptions.DevelopmentStorage)));
        Assert.IsType<StorageQueueNotifier>(local.GetRequiredService<IPipelineNotifier>());
        using var cloud = BuildApp(Settings(
            ("CLOUDXPCS_STORAGE:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("CLOUDXPCS_STORAGE:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("CLOUDXPCS_STORAGE:tableServiceUri", "https://acct.table.core.windows.net"),
            ("CLOUDXPCS_STORAGE:clientId", "00000000-0000-0000-0000-000000000001"),
            ("CLOUDXPCS_SERVICEBUS:fullyQualifiedNamespace", "ns.servicebus.windows.net")));
        Assert.IsType<ServiceBusNotifier>(cloud.GetRequiredService<IPipelineNotifier>());
        var storage = cloud.GetRequiredService<PipelineStorage>();
        Assert.Equal("https://acct.blob.core.windows.net/raw", storage.Raw.Uri.ToString());
        Assert.Equal("https://acct.table.core.windows.net/", storage.Tables.Uri.ToString());
        Assert.Equal("https://acct.queue.core.windows.net/", storage.Queues.Uri.ToString());
    }

    [Fact]
    public void StorageSettingErrorsNameTheSettingButNeverItsValue()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => AzureConnections.CreateStorage(Settings(
            ("CLOUDXPCS_STORAGE:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("CLOUDXPCS_STORAGE:tableServiceUri", "https://acct.table.core.windows.net"))));
        Assert.Equal("setting CLOUDXPCS_STORAGE__queueServiceUri is missing (identity-based connection)", missing.Message);

        const string broken = "AccountName=acct;AccountKey=c2VjcmV0LWtleS12YWx1ZQ==;NoEndpoint";
        var bad = Assert.Throws<InvalidOperationException>(() => AzureConnections.CreateStorage(Settings((PipelineStorageOptions.ConnectionSetting, broken))));
        Assert.StartsWith("setting CLOUDXPCS_STORAGE is not a valid storage connection string", bad.Message);
        Assert.DoesNotContain("c2VjcmV0", bad.ToString());

        var sas = Assert.Throws<InvalidOperationException>(() => AzureConnections.CreateStorage(Settings(
            ("CLOUDXPCS_STORAGE:blobServiceUri", "https://acct.blob.core.windows.net/?sv=1&sig=secret"),
            ("CLOUDXPCS_STORAGE:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("CLOUDXPCS_STORAGE:tableServiceUri", "https://acct.table.core.windows.net"))));
        Assert.DoesNotContain("secret", sas.Message);
    }
}
