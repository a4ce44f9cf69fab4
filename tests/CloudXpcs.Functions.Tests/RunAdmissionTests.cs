using System.Net;
using System.Text.Json;
using CloudXpcs.Functions.Functions;
using CloudXpcs.Functions.Runs;
using CloudXpcs.Functions.Tests.Support;
using CloudXpcs.Pipeline.Tests.Support;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Logging;

namespace CloudXpcs.Functions.Tests;

/// <summary>HTTP run starts: the same request with the same Idempotency-Key is one run; a beamtime has a bounded number of runs at once.</summary>
[Collection(FunctionsAzuriteCollection.Name)]
public sealed class RunAdmissionTests(AzuriteFixture azurite)
{
    private const string Beamtime = "steinrueck2020";

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseData Response)> PostAsync(FunctionsTestApp app, string body,
        string? key = null, int maxActive = 2)
    {
        var request = FakeHttpRequest.Create("POST", $"/api/beamtimes/{Beamtime}/runs", body);
        if (key is not null) request.Headers.Add(RunAdmission.IdempotencyHeader, key);
        var response = await new StartRunFunction(app.Storage, app.Clock, app.Loggers.CreateLogger<StartRunFunction>(), maxActive)
            .RunAsync(request, Beamtime, app.Client, default);
        return (response.StatusCode, JsonDocument.Parse(((FakeHttpResponse)response).Text()).RootElement, response);
    }

    [Fact]
    public async Task The_same_request_with_the_same_key_gets_the_same_run_and_starts_no_second_one()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var first = await PostAsync(app, """{"infer": false}""", key: "client-7/attempt");
        var again = await PostAsync(app, """{"infer": false}""", key: "client-7/attempt");
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal(first.Body.GetProperty("run_id").GetString(), again.Body.GetProperty("run_id").GetString());
        Assert.Single(app.Client.ScheduledOrchestrations);

        // Other parameters with the same key, or no key: another run.
        var other = await PostAsync(app, """{"infer": true}""", key: "client-7/attempt", maxActive: 5);
        Assert.Equal(HttpStatusCode.Accepted, other.Status);
        Assert.NotEqual(first.Body.GetProperty("run_id").GetString(), other.Body.GetProperty("run_id").GetString());
        Assert.Equal(2, app.Client.ScheduledOrchestrations.Count);
    }

    [Fact]
    public async Task A_beamtime_with_its_limit_of_runs_in_progress_is_answered_429_with_the_reason()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(app, "")).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(app, "")).Status);
        var refused = await PostAsync(app, "");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal($"beamtime '{Beamtime}' already has 2 runs pending or running (at most 2 at once); retry when one has ended",
            refused.Body.GetProperty("error").GetString());
        Assert.Equal("60", refused.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(2, app.Client.ScheduledOrchestrations.Count);
        // A repeated request whose run exists is still answered with that run, even at the limit.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(app, "", key: "k", maxActive: 3)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app, "", key: "k", maxActive: 3)).Status);
    }

    [Fact]
    public async Task Simultaneous_requests_without_a_key_never_pass_the_limit_together()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PostAsync(app, ""))));
        Assert.Equal(2, answers.Count(a => a.Status == HttpStatusCode.Accepted));
        Assert.Equal(6, answers.Count(a => a.Status == HttpStatusCode.TooManyRequests));
        Assert.Equal(2, app.Client.ScheduledOrchestrations.Count);
    }

    [Fact]
    public async Task A_slot_is_free_again_once_its_run_has_ended()
    {
        var app = await FunctionsTestApp.CreateAsync(azurite);
        await app.UploadBeamtimeManifestAsync(Beamtime);
        var first = await PostAsync(app, "", maxActive: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(app, "", maxActive: 1)).Status);
        app.Client.Complete(first.Body.GetProperty("instance_id").GetString()!);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(app, "", maxActive: 1)).Status);
    }
}
