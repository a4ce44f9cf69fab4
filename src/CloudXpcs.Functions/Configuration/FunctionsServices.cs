using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Configuration;

/// <summary>What the functions and the pipeline's activities take from DI.</summary>
public static class FunctionsServices
{
    /// <summary>Cron expression setting of the scheduled reports (NCRONTAB with seconds).</summary>
    public const string ReportScheduleSetting = "CLOUDXPCS_REPORT_SCHEDULE";

    /// <summary>Threads of one correlation activity (default: all cores of the instance).</summary>
    public const string CorrelationThreadsSetting = "CLOUDXPCS_CORRELATION_THREADS";

    public static IServiceCollection AddCloudXpcs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ => AzureConnections.CreateStorage(configuration));
        services.AddSingleton(sp => AzureConnections.CreateNotifier(configuration, sp.GetRequiredService<PipelineStorage>()));
        services.AddSingleton(new PipelineWorkerSettings
        {
            CorrelationThreads = int.TryParse(configuration[CorrelationThreadsSetting], out int threads) ? threads : -1,
            StatePool = new Science.Correlation.CorrelatorStatePool(),
        });
        services.AddSingleton(new LiveFeedbackSetting(LiveFeedbackOptions.FromSetting(configuration[LiveFeedbackOptions.Setting], absent: null)));
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}

/// <summary>Live feedback of the app's ingest (<see cref="LiveFeedbackOptions.Setting"/> in seconds; unset or 0: off).</summary>
public sealed record LiveFeedbackSetting(LiveFeedbackOptions? Options);
