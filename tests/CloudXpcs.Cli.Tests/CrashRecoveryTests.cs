using System.Diagnostics;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using Xunit.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Tests;

/// <summary>The durable local host killed (SIGKILL) in the middle of a beamtime run resumes on restart with complete, identical results.</summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempFolder _temp = new();
    private AzuriteServer? _azurite;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_host_killed_mid_run_resumes_and_its_results_equal_an_uninterrupted_analysis()
    {
        var beamtime = SyntheticBeamtimeWriter.Write(_temp.File("bt"), new SyntheticBeamtimeSpec
        {
            // Five series of 256 frames (the kill-point beamtime): one worker analyses them one by one, so the kill lands between series 3 and 5.
            Beamtime = "bt", Frames = 256, Seed = 5, SeriesTimesMin = [60], XamTimesMin = [0, 151],
        });
        string id = Guid.NewGuid().ToString("N")[..8];
        var options = new PipelineStorageOptions
        {
            ConnectionString = _azurite!.ConnectionString, NamePrefix = "c" + id, RawContainer = "raw-" + id, ResultsContainer = "results-" + id,
        };
        string[] common =
        [
            "--storage", options.ConnectionString, "--task-hub", "hub" + id, "--name-prefix", options.NamePrefix, "--raw-container", options.RawContainer,
            "--results-container", options.ResultsContainer, "--run-id", "r1", "--lease-s", "10", "--workers", "1", "--no-infer",
        ];
        var storage = new PipelineStorage(options);

        using (var first = StartCli(["run", "--beamtime", beamtime.Folder, "--out", _temp.File("out1"), .. common]))
        {
            int analysed = 0;
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (analysed < 3 && !first.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                analysed = await CountAnalysedAsync(storage);
            }
            Assert.False(first.HasExited, "the first host ended before it could be killed: " + first.StandardOutput.ReadToEnd());
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            output.WriteLine($"killed the host with {analysed} of {beamtime.Series.Count} series analysed");
            Assert.InRange(analysed, 3, beamtime.Series.Count - 1);
        }
        var rawBefore = await BlobNames(storage.Raw);

        using (var second = StartCli(["reprocess", "--beamtime", "bt", "--out", _temp.File("out2"), .. common]))
        {
            string stdout = await second.StandardOutput.ReadToEndAsync();
            string stderr = await second.StandardError.ReadToEndAsync();
            await second.WaitForExitAsync();
            output.WriteLine(stdout);
            Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}\n{stdout}\n{stderr}");
        }

        foreach (var series in beamtime.Series)
        {
            // Reference: the same steps as the pipeline's activities (correlate to g2.h5, fit g2.h5), offline and uninterrupted.
            string offline = Directory.CreateDirectory(_temp.File("offline-" + series.Series)).FullName;
            string seriesFolder = Path.Combine(beamtime.Folder, "xpcs", series.Series);
            SeriesCorrelation.CorrelateToFile(seriesFolder, Path.Combine(offline, "g2.h5"), new SeriesCorrelationOptions { Threads = 1 });
            SeriesAnalysis.FitG2FileToJson(Path.Combine(offline, "g2.h5"), Path.Combine(seriesFolder, "series.json"), Path.Combine(offline, "fit.json"));
            string resumed = Path.Combine(_temp.File("out2"), "bt", "xpcs", series.Series);
            Assert.Equal(File.ReadAllText(Path.Combine(offline, "fit.json")), File.ReadAllText(Path.Combine(resumed, "fit.json")));
        }
        Assert.True(File.Exists(Path.Combine(_temp.File("out2"), "bt", "xam", "profiles.csv")));
        Assert.Equal(rawBefore, await BlobNames(storage.Raw));
    }

    private static Process StartCli(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cloudxpcs.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    private static async Task<int> CountAnalysedAsync(PipelineStorage storage)
    {
        int count = 0;
        try
        {
            await foreach (var row in storage.Series.QueryAsync<SeriesRow>(r => r.PartitionKey == "bt"))
                if (row.Status == SeriesStatus.Analysed) count++;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
        }
        return count;
    }

    private static async Task<List<string>> BlobNames(Azure.Storage.Blobs.BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add($"{blob.Name}|{blob.Properties.ETag}");
        return names;
    }
}
