using CloudXpcs.Functions.Configuration;
using CloudXpcs.Functions.Logging;
using CloudXpcs.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
// The pipeline's orchestrators and activities become functions of this app (the Durable extension adds their metadata).
builder.ConfigureDurableWorker().AddTasks(registry => PipelineTasks.Register(registry));
builder.Services.AddCloudXpcs(builder.Configuration);
RedactingLoggerProvider.WrapAll(builder.Services);
builder.Build().Run();
