using System.Security.Cryptography;
using System.Text.Json;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Data.Results;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;
using Microsoft.DurableTask.Client;

namespace CloudXpcs.Pipeline.Tests;

public sealed partial class FaultTests
{
    /// <summary>
    /// A series whose correlation fails on every attempt with a defect (not broken input): quarantined after the bounded
    /// attempts with the reason, the other series analysed, the run "completed with failures" (never a plain completed);
    /// a chunk replaced (new-version path) after its analysis and before the commit does not change what run.json lists.
    /// </summary>
    [Fact]
    public async Task A_poison_series_is_quarantined_the_run_completes_with_failures_and_run_json_names_the_versions_analysed()
    {
        var beamtime = beamtimes.Main;
        string poison = beamtime.Series[4].Series, replaced = beamtime.Series[0].Series;
        string replacedBlob = $"{Bt}/xpcs/{replaced}/chunk-00001.h5";
        await _bed.UploadAsync(beamtime.Folder, Bt);
        var faults = new ScriptedFaults(async (activity, key, attempt) =>
        {
            if (activity == nameof(CorrelateSeriesActivity) && key.StartsWith(poison + "/", StringComparison.Ordinal))
                throw new InvalidOperationException("injected defect on every attempt");
            // After every analysis, before run.json: the chunk gets a new version in raw.
            if (activity == nameof(SimulateCellActivity) && attempt == 1)
                await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(Path.Combine(beamtimes.Other.Folder, "xpcs", replaced, "chunk-00001.h5"),
                    replacedBlob, RawUploadMode.NewVersion);
        });
        await using var pipeline = await LocalPipeline.StartAsync(WithFaults(_bed, faults));
        await pipeline.Watcher.ScanOnceAsync();
        string instance = await pipeline.StartRunAsync(Bt, "q1", FaultRuns.Parameters);
        var (state, _) = await FaultRuns.WaitCheckingCommitAsync(pipeline, instance, _bed.Storage, Bt, "q1", TimeSpan.FromMinutes(4));

        Assert.True(state.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
        var outcome = state.ReadOutputAs<RunOutcome>()!;
        Assert.Equal((RunStatus.CompletedWithFailures, beamtime.Series.Count - 1, 1), (outcome.Status, outcome.SeriesAnalysed, outcome.SeriesFailed));
        Assert.Equal(RunStatus.CompletedWithFailures, (await _bed.Storage.Runs.GetEntityAsync<RunRow>(Bt, "q1")).Value.Status);
        Assert.Equal(PipelineRetries.MaxAttempts, faults.Attempts.Single(a => a.Key.Activity == nameof(CorrelateSeriesActivity)
                                                                              && a.Key.Key.StartsWith(poison + "/", StringComparison.Ordinal)).Value);

        using var runJson = JsonDocument.Parse(await FaultRuns.RunFileTextAsync(_bed.Storage, Bt, "q1", ResultNames.RunFile));
        var quarantined = runJson.RootElement.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("series").GetString() == poison);
        Assert.Equal(SeriesStatus.Failed.Name(), quarantined.GetProperty("status").GetString());
        Assert.StartsWith($"quarantined after {PipelineRetries.MaxAttempts} failed attempts: ", quarantined.GetProperty("reason").GetString());
        Assert.Contains("injected defect on every attempt", quarantined.GetProperty("reason").GetString());
        output.WriteLine($"quarantined: {quarantined.GetProperty("reason").GetString()}");

        // run.json lists the version that was analysed (captured at claim), not the newer one raw holds now.
        var inputs = runJson.RootElement.GetProperty("inputs").EnumerateArray()
            .ToDictionary(i => i.GetProperty("blob").GetString()!, i => (Md5: i.GetProperty("md5").GetString(), ETag: i.GetProperty("etag").GetString()));
        string Md5Of(string path) => Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(path)));
        string relative = replacedBlob[(Bt.Length + 1)..];
        Assert.Equal(Md5Of(Path.Combine(beamtime.Folder, "xpcs", replaced, "chunk-00001.h5")), inputs[relative].Md5);
        var now = (await _bed.Storage.Raw.GetBlobClient(replacedBlob).GetPropertiesAsync()).Value;
        Assert.NotEqual(Convert.ToBase64String(now.ContentHash), inputs[relative].Md5);
        Assert.NotEqual(now.ETag.ToString(), inputs[relative].ETag);
        // Every file of every series and of the beamtime is listed with the MD5 of the uploaded file and a version.
        foreach (string file in Directory.EnumerateFiles(beamtime.Folder, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetRelativePath(beamtime.Folder, file).Replace(Path.DirectorySeparatorChar, '/');
            // Series folders: the files an analysis reads (series.json and its chunks); everything else of the beamtime.
            if (name.StartsWith("xpcs/", StringComparison.Ordinal) && !name.EndsWith("/series.json", StringComparison.Ordinal)
                && !name.EndsWith(".h5", StringComparison.Ordinal)) continue;
            Assert.True(inputs.ContainsKey(name), $"run.json does not list {name}");
            Assert.False(string.IsNullOrEmpty(inputs[name].ETag), name);
            if (name != relative) Assert.Equal(Md5Of(file), inputs[name].Md5);
        }
    }

    [Fact]
    public async Task An_activity_started_more_often_than_its_retries_allow_is_quarantined()
    {
        await _bed.Storage.CreateIfNotExistsAsync();
        for (int attempt = 1; attempt <= ActivityAttempts.Limit; attempt++)
            Assert.Equal(attempt, await ActivityAttempts.CountAsync(_bed.Storage, Bt, "s1", "a1", "correlate-000"));
        var e = await Assert.ThrowsAsync<Data.DataContractException>(() => ActivityAttempts.CountAsync(_bed.Storage, Bt, "s1", "a1", "correlate-000"));
        Assert.Equal($"{Bt}/xpcs/s1", e.Source);
        Assert.Contains($"quarantined after {ActivityAttempts.Limit} attempts of correlate-000", e.Problem);
        Assert.Equal(1, await ActivityAttempts.CountAsync(_bed.Storage, Bt, "s1", "a1", "fit"));
    }
}
