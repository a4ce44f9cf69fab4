using CloudXpcs.Functions.Functions;
using CloudXpcs.Functions.Reports;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

public sealed class ReportScheduleTests
{
    private static readonly DateTimeOffset T = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<BeamtimeActivity, bool, string> Cases() => new()
    {
        { new BeamtimeActivity("b", true, T, null), true, "never run" },
        { new BeamtimeActivity("b", true, T, T.AddMinutes(-1)), true, "raw data changed at 2026-01-01T12:00:00.0000000+00:00, after the latest run" },
        { new BeamtimeActivity("b", true, T, T), false, "up to date" },
        { new BeamtimeActivity("b", true, T, T.AddHours(1)), false, "up to date" },
        { new BeamtimeActivity("b", true, null, null), false, "no raw data" },
        { new BeamtimeActivity("b", false, T, null), false, "no beamtime.json" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ARunStartsOnlyWhenRawDataChangedAfterTheLatestRun(BeamtimeActivity activity, bool start, string reason)
    {
        var decision = ReportSchedule.Decide(activity);
        Assert.Equal(start, decision.StartRun);
        Assert.StartsWith(reason, decision.Reason);
        Assert.Equal(activity.Beamtime, decision.Beamtime);
    }
}

[Collection(FunctionsAzuriteCollection.Name)]
public sealed class ScheduledReportsFunctionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OnlyBeamtimesWithNewRawDataGetANewRun()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync("changed");
        await app.UploadRawAsync("changed/echem.csv", "time_s,current_mA\n0,1\n");
        await app.Storage.Runs.AddEntityAsync(new RunRow { PartitionKey = "changed", RowKey = "r0", RunId = "r0", CreatedUtc = DateTimeOffset.UtcNow.AddDays(-1) });
        await app.UploadBeamtimeManifestAsync("fresh");
        await app.UploadBeamtimeManifestAsync("uptodate");
        await app.Storage.Runs.AddEntityAsync(new RunRow { PartitionKey = "uptodate", RowKey = "r1", RunId = "r1", CreatedUtc = DateTimeOffset.UtcNow.AddDays(1) });
        await app.Storage.Runs.AddEntityAsync(new RunRow { PartitionKey = "uptodate", RowKey = RunRow.LatestRowKey, RunId = "r1",
            CreatedUtc = DateTimeOffset.UtcNow.AddDays(1) });
        await app.UploadRawAsync("nomanifest/echem.csv", "time_s,current_mA\n0,1\n");

        var function = new ScheduledReportsFunction(app.Storage, app.Clock, app.Loggers.CreateLogger<ScheduledReportsFunction>());
        var started = await function.RunAsync(new TimerInfo(), app.Client, default);

        Assert.Equal(["changed", "fresh"], started.Select(r => r.Beamtime).Order(StringComparer.Ordinal));
        var scheduled = app.Client.ScheduledOrchestrations;
        Assert.Equal(2, scheduled.Count);
        foreach (var run in started)
        {
            var s = Assert.Single(scheduled, s => s.InstanceId == ResultNames.RunOrchestrationId(run.Beamtime, run.RunId));
            Assert.Equal(nameof(BeamtimeOrchestrator), s.Name);
            var input = Assert.IsType<BeamtimeRunRequest>(s.Input);
            Assert.Equal((run.Beamtime, run.RunId, new RunParameters()), (input.Beamtime, input.RunId, input.Parameters));
        }
        app.AssertNoSecretsLogged();
    }
}
