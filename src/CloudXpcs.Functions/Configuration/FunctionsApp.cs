using CloudXpcs.Functions.Logging;
using CloudXpcs.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Worker;

namespace CloudXpcs.Functions.Configuration;

/// <summary>The app's setup (Program.cs), callable from tests without starting the worker.</summary>
public static class FunctionsApp
{
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        // The pipeline's orchestrators and activities become functions of this app (the Durable extension adds their metadata).
        builder.ConfigureDurableWorker().AddTasks(registry => PipelineTasks.Register(registry));
        builder.Services.AddCloudXpcs(builder.Configuration);
        // Last: every logger provider registered so far writes redacted messages.
        RedactingLoggerProvider.WrapAll(builder.Services);
        return builder;
    }
}
