using CloudXpcs.Functions.Configuration;
using CloudXpcs.Functions.Logging;
using CloudXpcs.Pipeline;
using CloudXpcs.Pipeline.Notifications;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.Core;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

/// <summary>What Program.cs sets up, built with the real Functions builder but not run: Durable registration, services, logging.</summary>
public sealed class AppRegistrationTests
{
    /// <summary>The app as Program.cs builds it, with the extension startups that the worker would run (the test host is the entry assembly).</summary>
    private static IHost BuildApp(params (string Key, string Value)[] settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        foreach (var (key, value) in settings) builder.Configuration[key] = value;
        var startups = typeof(FunctionsApp).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(WorkerExtensionStartup).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(startups);
        foreach (var startup in startups) ((WorkerExtensionStartup)Activator.CreateInstance(startup)!).Configure(builder);
        return FunctionsApp.Configure(builder).Build();
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static readonly (string, string) LocalStorage = (PipelineStorageOptions.ConnectionSetting, PipelineStorageOptions.DevelopmentStorage);

    [Fact]
    public void EveryPipelineTaskBecomesAFunctionWithItsTriggerAndResolvesFromTheAppsServices()
    {
        using var host = BuildApp(LocalStorage);
        var app = host.Services;
        var metadata = new List<IFunctionMetadata>();
        foreach (var transformer in app.GetServices<IFunctionMetadataTransformer>()) transformer.Transform(metadata);

        var tasks = typeof(PipelineTasks).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(ITaskOrchestrator).IsAssignableFrom(t) || typeof(ITaskActivity).IsAssignableFrom(t)))
            .ToList();
        Assert.NotEmpty(tasks);
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
    public void EveryLoggerProviderOfTheAppIsBehindTheRedactor()
    {
        using var host = BuildApp(LocalStorage);
        var providers = host.Services.GetServices<ILoggerProvider>().ToList();
        Assert.Contains(providers, p => p is RedactingLoggerProvider { Inner: var inner } && inner.GetType().Name == "WorkerLoggerProvider");
        Assert.All(providers, p => Assert.IsType<RedactingLoggerProvider>(p));
    }

    [Fact]
    public void LocallyTheNotifierIsTheEventsQueueAndWithServiceBusTheTopic()
    {
        using var local = BuildApp(LocalStorage);
        Assert.IsType<StorageQueueNotifier>(local.Services.GetRequiredService<IPipelineNotifier>());
        using var cloud = BuildApp(
            ("CLOUDXPCS_STORAGE:blobServiceUri", "https://acct.blob.core.windows.net"),
            ("CLOUDXPCS_STORAGE:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("CLOUDXPCS_STORAGE:tableServiceUri", "https://acct.table.core.windows.net"),
            ("CLOUDXPCS_STORAGE:clientId", "00000000-0000-0000-0000-000000000001"),
            ("CLOUDXPCS_SERVICEBUS:fullyQualifiedNamespace", "ns.servicebus.windows.net"));
        Assert.IsType<ServiceBusNotifier>(cloud.Services.GetRequiredService<IPipelineNotifier>());
        var storage = cloud.Services.GetRequiredService<PipelineStorage>();
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

        const string broken = "AccountName=acct;AccountKey=" + "c2VjcmV0LWtleS12YWx1ZQ==;NoEndpoint";
        var bad = Assert.Throws<InvalidOperationException>(() => AzureConnections.CreateStorage(Settings((PipelineStorageOptions.ConnectionSetting, broken))));
        Assert.StartsWith("setting CLOUDXPCS_STORAGE is not a valid storage connection string", bad.Message);
        Assert.DoesNotContain("c2VjcmV0", bad.ToString());

        var sas = Assert.Throws<InvalidOperationException>(() => AzureConnections.CreateStorage(Settings(
            ("CLOUDXPCS_STORAGE:blobServiceUri", "https://acct.blob.core.windows.net/?sv=1&sig=" + "secret"),
            ("CLOUDXPCS_STORAGE:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("CLOUDXPCS_STORAGE:tableServiceUri", "https://acct.table.core.windows.net"))));
        Assert.DoesNotContain("secret", sas.Message);
    }
}
