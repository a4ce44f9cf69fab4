using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class LocalDurableHostTests(AzuriteFixture azurite)
{
    public sealed class Square : TaskActivity<int, int>
    {
        public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * input);
    }

    public sealed class SumOfSquares : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var parts = await Task.WhenAll(Enumerable.Range(1, input).Select(i => context.CallActivityAsync<int>(nameof(Square), i)));
            return parts.Sum();
        }
    }

    public sealed class Parent : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            int child = await context.CallSubOrchestratorAsync<int>(nameof(SumOfSquares), input,
                new SubOrchestrationOptions { InstanceId = context.InstanceId + ":child" });
            return child + 1;
        }
    }

    [Fact]
    public async Task Fan_out_and_sub_orchestration_complete_on_Azurite()
    {
        await using var host = await LocalDurableHost.StartAsync(
            new LocalDurableHostOptions { StorageConnectionString = azurite.ConnectionString, TaskHubName = AzuriteFixture.UniqueName("hub") },
            r => r.AddActivity<Square>().AddOrchestrator<SumOfSquares>().AddOrchestrator<Parent>());
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Parent), 16);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 16).Sum(i => i * i) + 1, state.ReadOutputAs<int>());
    }
}
