using System.Net;
using System.Text.Json;
using CloudXpcs.Data.Results;
using CloudXpcs.Functions.Functions;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Orchestration;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Tests;

[Collection(FunctionsAzuriteCollection.Name)]
public sealed class RunHttpFunctionTests(AzuriteFixture azurite)
{
    private const string Beamtime = "steinrueck2020";
    private const string FunctionKey = "k3y-that-must-not-leak";
    private const string Host = "https://cloudxpcs-test.azurewebsites.net";

    private static StartRunFunction StartRun(FunctionsTestApp app) =>
        new(app.Storage, app.Clock, app.Loggers.CreateLogger<StartRunFunction>());

    private static JsonElement Json(Microsoft.Azure.Functions.Worker.Http.HttpResponseData response) =>
        JsonDocument.Parse(((FakeHttpResponse)response).Text()).RootElement;

    [Fact]
    public async Task StartValidatesAndSchedulesTheBeamtimeOrchestratorUnderTheRunsInstanceId()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var request = FakeHttpRequest.Create("POST", $"/api/beamtimes/{Beamtime}/runs?code={FunctionKey}", """
            {"qmap": {"q_min_inv_A": 0.003, "q_max_inv_A": 0.019, "q_bins": 12, "phi_bins": 36, "static_per_dynamic": 3},
             "transport_sets": ["RS"], "shard_threshold_pixels": 65536, "infer": false}
            """);

        var response = await StartRun(app).RunAsync(request, Beamtime, app.Client, default);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = Json(response);
        string runId = body.GetProperty("run_id").GetString()!;
        Assert.StartsWith("20260102T030405Z-", runId);
        string statusUrl = $"{Host}/api/beamtimes/{Beamtime}/runs/{runId}";
        Assert.Equal(statusUrl, body.GetProperty("status_url").GetString());
        Assert.Equal(statusUrl, response.Headers.GetValues("Location").Single());
        Assert.Equal(ResultNames.RunOrchestrationId(Beamtime, runId), body.GetProperty("instance_id").GetString());

        var scheduled = Assert.Single(app.Client.ScheduledOrchestrations);
        Assert.Equal(nameof(BeamtimeOrchestrator), scheduled.Name);
        Assert.Equal(ResultNames.RunOrchestrationId(Beamtime, runId), scheduled.InstanceId);
        var input = Assert.IsType<BeamtimeRunRequest>(scheduled.Input);
        Assert.Equal((Beamtime, runId), (input.Beamtime, input.RunId));
        Assert.Equal(new QMapOverride(0.003, 0.019, 12, 36, 3), input.Parameters.QMap);
        Assert.Equal(["RS"], input.Parameters.TransportSets);
        Assert.Equal(65536, input.Parameters.ShardPixelThreshold);
        Assert.False(input.Parameters.Infer);
        app.AssertNoSecretsLogged(FunctionKey);
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadStarts() => new()
    {
        { "..", "{}", HttpStatusCode.BadRequest, "beamtime '..'" },
        { "a b", "{}", HttpStatusCode.BadRequest, "characters outside" },
        { Beamtime, """{"transport_sets": ["XYZ"]}""", HttpStatusCode.BadRequest, "transport_sets: 'XYZ' is not a built-in set" },
        { Beamtime, """{"shard_threshold_pixels": "many"}""", HttpStatusCode.BadRequest, "wrong type" },
        { Beamtime, """{"unknown": 1}""", HttpStatusCode.BadRequest, "unknown field" },
        { Beamtime, """{"qmap": {"q_min_inv_A": 0.01, "q_max_inv_A": 0.001, "q_bins": 9, "phi_bins": 18, "static_per_dynamic": 4}}""",
            HttpStatusCode.BadRequest, "qmap: need 0 <= q_min < q_max" },
        { "nobeamtime", "{}", HttpStatusCode.NotFound, "beamtime 'nobeamtime' has no beamtime.json" },
    };

    [Theory]
    [MemberData(nameof(BadStarts))]
    public async Task BadStartsAreRefusedWithAMessageAndScheduleNothing(string beamtime, string body, HttpStatusCode status, string message)
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var request = FakeHttpRequest.Create("POST", $"/api/beamtimes/{Uri.EscapeDataString(beamtime)}/runs?code={FunctionKey}", body);
        var response = await StartRun(app).RunAsync(request, beamtime, app.Client, default);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, Json(response).GetProperty("error").GetString());
        Assert.Empty(app.Client.ScheduledOrchestrations);
        app.AssertNoSecretsLogged(FunctionKey);
    }

    private static async Task AddRunAsync(FunctionsTestApp app, string runId, RunStatus status, bool latest)
    {
        var row = new RunRow
        {
            PartitionKey = Beamtime, RowKey = runId, RunId = runId, Status = status, InstanceId = ResultNames.RunOrchestrationId(Beamtime, runId),
            ResultPrefix = ResultNames.RunPrefix(Beamtime, runId), CreatedUtc = FunctionsTestApp.Now, SeriesAnalysed = 2, SeriesFailed = 1,
        };
        await app.Storage.Runs.AddEntityAsync(row);
        if (latest)
        {
            row.RowKey = RunRow.LatestRowKey;
            await app.Storage.Runs.AddEntityAsync(row);
        }
    }

    [Fact]
    public async Task StatusReadsTheRunRowAndEverySeriesOfTheBeamtime()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await AddRunAsync(app, "r1", RunStatus.Completed, latest: true);
        await app.Storage.Series.AddEntityAsync(new SeriesRow { PartitionKey = Beamtime, RowKey = "s1", Status = SeriesStatus.Analysed, SpeedAPerS = 0.25 });
        await app.Storage.Series.AddEntityAsync(new SeriesRow { PartitionKey = Beamtime, RowKey = "s2", Status = SeriesStatus.Incomplete, MissingChunks = "3" });
        await app.Storage.Series.AddEntityAsync(new SeriesRow { PartitionKey = "other", RowKey = "s9" });

        var response = await new GetRunFunction(app.Storage).RunAsync(
            FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/r1?code={FunctionKey}"), Beamtime, "r1", app.Client, default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Json(response);
        var run = body.GetProperty("run");
        Assert.Equal(("r1", RunStatus.Completed.Name(), true, 2, 1), (run.GetProperty("run_id").GetString(), run.GetProperty("status").GetString(),
            run.GetProperty("latest").GetBoolean(), run.GetProperty("series_analysed").GetInt32(), run.GetProperty("series_failed").GetInt32()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("orchestration_status").ValueKind);
        var series = body.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["s1", "s2"], series.Select(s => s.GetProperty("series").GetString()));
        Assert.Equal(0.25, series[0].GetProperty("speed_A_per_s").GetDouble());
        Assert.Equal(("incomplete", "3"), (series[1].GetProperty("status").GetString(), series[1].GetProperty("missing_chunks").GetString()));
    }

    [Fact]
    public async Task StatusOfAJustStartedRunComesFromTheOrchestrationAndUnknownRunsAre404()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var started = Json(await StartRun(app).RunAsync(FakeHttpRequest.Create("POST", $"/api/beamtimes/{Beamtime}/runs"), Beamtime, app.Client, default));
        string runId = started.GetProperty("run_id").GetString()!;
        var get = new GetRunFunction(app.Storage);

        var pending = await get.RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/{runId}"), Beamtime, runId, app.Client, default);
        Assert.Equal(HttpStatusCode.OK, pending.StatusCode);
        var body = Json(pending);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("run").ValueKind);
        Assert.Equal("Pending", body.GetProperty("orchestration_status").GetString());

        var missing = await get.RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/nope"), Beamtime, "nope", app.Client, default);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal($"beamtime '{Beamtime}' has no run 'nope'", Json(missing).GetProperty("error").GetString());

        var bad = await get.RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/latest"), Beamtime, "latest", app.Client, default);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ListShowsRunsNewestFirstWithTheLatestMarked()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await AddRunAsync(app, "20260101T000000Z-aaaaaa", RunStatus.Completed, latest: true);
        await AddRunAsync(app, "20260102T000000Z-bbbbbb", RunStatus.Running, latest: false);
        await AddRunAsync(app, "20251231T000000Z-cccccc", RunStatus.Failed, latest: false);

        var response = await new ListRunsFunction(app.Storage).RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs"), Beamtime, default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Json(response);
        Assert.Equal("20260101T000000Z-aaaaaa", body.GetProperty("latest_run_id").GetString());
        var runs = body.GetProperty("runs").EnumerateArray().Select(r => (r.GetProperty("run_id").GetString(), r.GetProperty("latest").GetBoolean())).ToList();
        Assert.Equal([("20260102T000000Z-bbbbbb", false), ("20260101T000000Z-aaaaaa", true), ("20251231T000000Z-cccccc", false)], runs);

        var empty = Json(await new ListRunsFunction(app.Storage).RunAsync(FakeHttpRequest.Create("GET", "/api/beamtimes/none/runs"), "none", default));
        Assert.Equal(0, empty.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task ResultsListTheBlobsOfTheRunFolderOnly()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await AddRunAsync(app, "r1", RunStatus.Completed, latest: true);
        string prefix = ResultNames.RunPrefix(Beamtime, "r1");
        await Pipeline.Storage.BlobTransfer.UploadTextAsync(app.Storage.Results, prefix + "run.json", "{\"a\":1}");
        await Pipeline.Storage.BlobTransfer.UploadTextAsync(app.Storage.Results, prefix + "xpcs/s1/fit.json", "{\"speed\":0.25}");
        await Pipeline.Storage.BlobTransfer.UploadTextAsync(app.Storage.Results, ResultNames.RunPrefix(Beamtime, "r2") + "run.json", "{}");

        var function = new ListRunResultsFunction(app.Storage);
        var response = await function.RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/r1/results"), Beamtime, "r1", default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = Json(response);
        Assert.Equal(prefix, body.GetProperty("prefix").GetString());
        var blobs = body.GetProperty("blobs").EnumerateArray().Select(b => (b.GetProperty("name").GetString(), b.GetProperty("bytes").GetInt64())).ToList();
        Assert.Equal([("run.json", 7L), ("xpcs/s1/fit.json", 14L)], blobs);

        var missing = await function.RunAsync(FakeHttpRequest.Create("GET", $"/api/beamtimes/{Beamtime}/runs/r2/results"), Beamtime, "r2", default);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var bad = await function.RunAsync(FakeHttpRequest.Create("GET", "/api/beamtimes/x/runs/a..b/results"), "x", "..", default);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
