using System.Collections.Concurrent;
using CloudXpcs.Data.Results;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// The SeriesOrchestrator's control flow in memory (the Durable Task SDK's in-process test host), with stand-in
/// activities registered under the real activities' names: no storage, no Azurite.
/// </summary>
public sealed class SeriesOrchestratorControlFlowTests
{
    private readonly ConcurrentQueue<string> _calls = new();

    [Fact]
    public async Task Correlation_fans_out_over_the_shards_then_merges_fits_and_records_the_outcome()
    {
        await using var host = await StartAsync(fit: _ => new FitResult("fit.json", 1, 5.0, 0.1, true));
        var outcome = await RunAsync(host, new SeriesAnalysisRequest("bt", "s1", "a1", null, 3));

        Assert.Equal(SeriesStatus.Analysed, outcome.Status);
        Assert.Equal(5.0, outcome.SpeedAPerS);
        var calls = _calls.ToArray();
        Assert.Equal(["correlate 0/3", "correlate 1/3", "correlate 2/3"], calls[..3].Order(StringComparer.Ordinal));
        Assert.Equal(["merge", "fit", "complete analysed"], calls[3..]);
    }

    [Fact]
    public async Task Broken_input_is_not_retried_and_the_failure_is_recorded_as_an_outcome()
    {
        await using var host = await StartAsync(fit: _ => throw new DataContractException("bt/xpcs/s1/series.json", "q range off the detector"));
        var outcome = await RunAsync(host, new SeriesAnalysisRequest("bt", "s1", "a1", null, 1));

        Assert.Equal(SeriesStatus.Failed, outcome.Status);
        Assert.Contains("q range off the detector", outcome.Reason);
        Assert.Equal(["correlate 0/1", "fit", "complete failed"], _calls.ToArray());
    }

    [Fact]
    public async Task A_transient_fault_is_retried()
    {
        int fits = 0;
        await using var host = await StartAsync(fit: _ => Interlocked.Increment(ref fits) == 1
            ? throw new IOException("connection reset")
            : new FitResult("fit.json", 1, 4.0, 0.2, true));
        var outcome = await RunAsync(host, new SeriesAnalysisRequest("bt", "s1", "a1", null, 1));

        Assert.Equal(SeriesStatus.Analysed, outcome.Status);
        Assert.Equal(2, fits);
        Assert.Equal(["correlate 0/1", "fit", "fit", "complete analysed"], _calls.ToArray());
    }

    private Task<DurableTaskTestHost> StartAsync(Func<CorrelateRequest, FitResult> fit) =>
        DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestrator<SeriesOrchestrator>();
            registry.AddActivityFunc<CorrelateRequest, ActivityResult>(nameof(CorrelateSeriesActivity), (_, r) =>
            {
                _calls.Enqueue($"correlate {r.Shard}/{r.Shards}");
                return new ActivityResult($"shard {r.Shard}", 1);
            });
            registry.AddActivityFunc<CorrelateRequest, ActivityResult>(nameof(MergeShardsActivity), (_, _) =>
            {
                _calls.Enqueue("merge");
                return new ActivityResult("g2.h5", 1);
            });
            registry.AddActivityFunc<CorrelateRequest, FitResult>(nameof(FitSeriesActivity), (_, r) =>
            {
                _calls.Enqueue("fit");
                return fit(r);
            });
            registry.AddActivityFunc<AnalysisCompletion, bool>(nameof(CompleteAnalysisActivity), (_, c) =>
            {
                _calls.Enqueue("complete " + c.Outcome.Status.Name());
                return true;
            });
        }, new DurableTaskTestHostOptions { Port = LoopbackPorts.Free() });

    private static async Task<SeriesAnalysisOutcome> RunAsync(DurableTaskTestHost host, SeriesAnalysisRequest request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SeriesOrchestrator), request, timeout.Token);
        var state = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        return state.ReadOutputAs<SeriesAnalysisOutcome>()!;
    }
}
