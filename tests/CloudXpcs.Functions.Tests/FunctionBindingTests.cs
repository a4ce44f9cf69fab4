using System.Reflection;
using CloudXpcs.Functions.Configuration;
using CloudXpcs.Functions.Functions;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

/// <summary>The trigger attributes the host reads: function keys on every HTTP trigger, Event Grid for the blob trigger.</summary>
public sealed class FunctionBindingTests
{
    private static IEnumerable<(string Name, MethodInfo Method)> Functions() =>
        typeof(IngestRawBlobFunction).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (m.GetCustomAttribute<FunctionAttribute>()?.Name, m))
            .Where(f => f.Name is not null)
            .Select(f => (f.Name!, f.m));

    private static T? Trigger<T>(MethodInfo method) where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).SingleOrDefault(a => a is not null);

    [Fact]
    public void EveryHttpTriggerRequiresAFunctionKey()
    {
        var http = Functions().Select(f => (f.Name, Trigger: Trigger<HttpTriggerAttribute>(f.Method))).Where(f => f.Trigger is not null).ToList();
        Assert.Equal(["GetRun", "ListRunResults", "ListRuns", "StartRun"], http.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(http, f => Assert.Equal(AuthorizationLevel.Function, f.Trigger!.AuthLevel));
        Assert.Equal(
            ["GET beamtimes/{beamtime}/runs", "GET beamtimes/{beamtime}/runs/{runId}", "GET beamtimes/{beamtime}/runs/{runId}/results", "POST beamtimes/{beamtime}/runs"],
            http.Select(f => string.Join(",", f.Trigger!.Methods!).ToUpperInvariant() + " " + f.Trigger.Route).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheBlobTriggerIsEventGridSourcedOnRawUnderTheNameTheSubscriptionTargets()
    {
        var (name, method) = Assert.Single(Functions(), f => Trigger<BlobTriggerAttribute>(f.Method) is not null);
        var trigger = Trigger<BlobTriggerAttribute>(method)!;
        Assert.Equal("IngestRawBlob", name);
        Assert.Equal(BlobTriggerSource.EventGrid, trigger.Source);
        Assert.Equal("raw/{name}", trigger.BlobPath);
        Assert.Equal(PipelineStorageOptions.ConnectionSetting, trigger.Connection);
    }

    [Fact]
    public void TheTimerReadsItsScheduleFromTheAppSetting()
    {
        var (name, method) = Assert.Single(Functions(), f => Trigger<TimerTriggerAttribute>(f.Method) is not null);
        Assert.Equal("ScheduledReports", name);
        Assert.Equal("%" + FunctionsServices.ReportScheduleSetting + "%", Trigger<TimerTriggerAttribute>(method)!.Schedule);
    }
}
