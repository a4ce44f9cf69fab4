using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using Xunit.Abstractions;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Tests;

/// <summary>One Azurite, the small beamtime and the results of its fault-free <c>cloudxpcs run</c>, shared by the kill tests.</summary>
public sealed class KillPointFixture : IAsyncLifetime
{
    public const string Beamtime = "bt";
    public TempFolder Temp { get; } = new();
    public AzuriteServer Azurite { get; private set; } = null!;
    public SyntheticBeamtime Written { get; private set; } = null!;
    public string ReferenceFolder { get; private set; } = "";
    public TimeSpan ReferenceElapsed { get; private set; }

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Written = SyntheticBeamtimeWriter.Write(Temp.File(Beamtime), new SyntheticBeamtimeSpec
        {
            Beamtime = Beamtime, Frames = 256, Seed = 5, SeriesTimesMin = [60], XamTimesMin = [0, 151],
        });
        var clock = Stopwatch.StartNew();
        string outFolder = Temp.File("reference");
        var (code, stdout) = await KillPointTests.RunCliAsync(["run", "--beamtime", Written.Folder, "--out", outFolder, .. Args(Guid.NewGuid().ToString("N")[..8])]);
        Assert.True(code == 0, stdout);
        ReferenceElapsed = clock.Elapsed;
        ReferenceFolder = Path.Combine(outFolder, Beamtime);
    }

    /// <summary>Storage names unique to <paramref name="id"/>, run id r1, a 10 s lease and pixel shards (2 per series).</summary>
    public string[] Args(string id) =>
        [.. StorageArgs(id), "--run-id", "r1", "--lease-s", "10", "--workers", "2", "--no-infer", "--shard-threshold", "8192"];

    /// <summary>The storage account, task hub and names unique to <paramref name="id"/>.</summary>
    public string[] StorageArgs(string id) =>
    [
        "--storage", Azurite.ConnectionString, "--task-hub", "hub" + id, "--name-prefix", "k" + id, "--raw-container", "raw-" + id,
        "--results-container", "results-" + id,
    ];

    public PipelineStorage Storage(string id) => new(new PipelineStorageOptions
    {
        ConnectionString = Azurite.ConnectionString, NamePrefix = "k" + id, RawContainer = "raw-" + id, ResultsContainer = "results-" + id,
    });

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        Temp.Dispose();
    }
}

/// <summary>
/// <c>cloudxpcs run</c> killed with SIGKILL at five points of a beamtime run, then resumed by <c>reprocess</c> with the
/// same run id: the resumed run's results equal the fault-free run's byte for byte, the raw container is exactly as
/// uploaded, and no reader saw half a run meanwhile.
/// </summary>
public sealed partial class KillPointTests(KillPointFixture fixture, ITestOutputHelper output) : IClassFixture<KillPointFixture>
{
    private const string Bt = KillPointFixture.Beamtime;
    private static readonly string RunPrefix = ResultNames.RunPrefix(Bt, "r1");

    [Theory]
    [InlineData("ingest")]
    [InlineData("series")]
    [InlineData("shards")]
    [InlineData("simulations")]
    [InlineData("report")]
    public async Task A_host_killed_at_this_point_resumes_and_its_results_equal_the_fault_free_run(string point)
    {
        output.WriteLine($"fault-free reference run: {fixture.ReferenceElapsed.TotalSeconds:0.0} s");
        string id = Guid.NewGuid().ToString("N")[..8];
        var storage = fixture.Storage(id);
        int seriesCount = fixture.Written.Series.Count;
        var clock = Stopwatch.StartNew();
        string reached;
        int runningPolls = 0;
        using (var first = StartCli(["run", "--beamtime", fixture.Written.Folder, "--out", fixture.Temp.File("out-" + id), .. fixture.Args(id)]))
        {
            var firstOut = first.StandardOutput.ReadToEndAsync();
            var firstErr = first.StandardError.ReadToEndAsync();
            string? at = null;
            while (at is null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"point '{point}' not reached within 3 min");
                if (first.HasExited) Assert.Fail($"the run ended before point '{point}': {await firstOut}\n{await firstErr}");
                await Task.Delay(100);
                try
                {
                    if (await FaultRuns.CheckCommitInvariantAsync(storage, Bt, "r1") == RunStatus.Running) runningPolls++;
                    at = await ReachedAsync(point, storage, seriesCount);
                }
                catch (Azure.RequestFailedException e) when (e.Status == 404)
                {
                    // The child has not created the containers and tables yet.
                }
            }
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            var row = await storage.Runs.GetEntityIfExistsAsync<RunRow>(Bt, "r1");
            reached = $"killed at {clock.Elapsed.TotalSeconds:0.0} s ({at}); run row: {(row.HasValue ? row.Value!.Status : "none")}";
            Assert.True(!row.HasValue || row.Value!.Status == RunStatus.Running, reached);
        }
        output.WriteLine(reached);
        // Raw holds exactly the uploaded files (Content-MD5 of each equals the local file's), before and after the resume.
        var rawBefore = await FaultRuns.SnapshotAsync(storage.Raw);
        var local = Directory.EnumerateFiles(fixture.Written.Folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Bt + "/" + Path.GetRelativePath(fixture.Written.Folder, f).Replace(Path.DirectorySeparatorChar, '/'),
            f => Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(f))));
        Assert.Equal(local.Keys.Order(StringComparer.Ordinal), rawBefore.Keys.Order(StringComparer.Ordinal));
        Assert.All(rawBefore, b => Assert.Equal(local[b.Key], b.Value.Split('|')[1]));

        string resumedOut = fixture.Temp.File("resumed-" + id);
        var (code, stdout) = await RunCliAsync(["reprocess", "--beamtime", Bt, "--out", resumedOut, .. fixture.Args(id)]);
        output.WriteLine($"resumed run finished at {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(code == 0, stdout);

        string resumed = Path.Combine(resumedOut, Bt);
        AssertResultsEqualTheFaultFreeRun(resumed, stdout);
        Assert.Equal(SeriesOf(fixture.ReferenceFolder), SeriesOf(resumed));
        Assert.Equal(RunStatus.Completed, (await storage.Runs.GetEntityAsync<RunRow>(Bt, "r1")).Value.Status);
        Assert.Equal(RunStatus.Completed, await FaultRuns.CheckCommitInvariantAsync(storage, Bt, "r1"));
        Assert.Equal(rawBefore, await FaultRuns.SnapshotAsync(storage.Raw));
        output.WriteLine($"{runningPolls} polls saw the run uncommitted");
    }

    /// <summary>Every result file that is a pure function of the raw data equals the fault-free run's; else the differing files, where they first differ.</summary>
    private void AssertResultsEqualTheFaultFreeRun(string resumed, string stdout)
    {
        var expected = ResultFiles(fixture.ReferenceFolder);
        Assert.Equal(fixture.Written.Series.Count, expected.Keys.Count(k => k.EndsWith("/fit.json", StringComparison.Ordinal)));
        Assert.Contains("comparison.json", expected.Keys);
        var actual = ResultFiles(resumed);
        var differing = expected.Keys.Union(actual.Keys)
            .Where(k => !expected.TryGetValue(k, out var e) || !actual.TryGetValue(k, out var a) || e != a)
            .OrderBy(k => k.StartsWith("xpcs/", StringComparison.Ordinal) ? 0 : 1).ThenBy(k => k, StringComparer.Ordinal).ToList();   // the series first: the rest follows from them
        if (differing.Count > 0) output.WriteLine($"resumed run's output:\n{stdout}");
        // Where each file first differs goes into the message itself: CI logs keep only the first lines of a failure.
        Assert.True(differing.Count == 0, $"result files differing from the fault-free run: {string.Join(", ", differing)}\n" +
            string.Join("\n", differing.Select(file => FirstDifference(file, fixture.ReferenceFolder, resumed))));
        Assert.Equal(expected, actual);
    }

    /// <summary>A description of the state when the kill point is reached, else null.</summary>
    private static async Task<string?> ReachedAsync(string point, PipelineStorage storage, int seriesCount)
    {
        switch (point)
        {
            case "ingest":
                // The watcher has recorded a chunk of the uploaded beamtime: ingest in progress.
                await foreach (var _ in storage.Chunks.QueryAsync<ChunkRow>(maxPerPage: 1)) return "ingest recorded its first chunk";
                return null;
            case "series":
                int analysed = (await FaultRuns.AnalysesAsync(storage, Bt)).Count(a => a.Status == SeriesStatus.Analysed);
                return analysed >= 2 ? $"{analysed} of {seriesCount} series analysed" : null;
            case "shards":
                var blobs = await BlobNamesAsync(storage.Results, Bt + "/analyses/");
                var shard = blobs.FirstOrDefault(b => b.Contains("/shards/", StringComparison.Ordinal)
                                                      && !blobs.Contains(b[..b.IndexOf("shards/", StringComparison.Ordinal)] + ResultNames.G2File));
                return shard is null ? null : $"{shard} written, its merge not done";
            case "simulations":
                var run = await BlobNamesAsync(storage.Results, RunPrefix);
                int published = run.Count(b => b.EndsWith("/fit.json", StringComparison.Ordinal));
                return published == seriesCount
                    ? $"all {published} series published, {run.Count(b => b.Contains("/simulations/", StringComparison.Ordinal))} simulations written"
                    : null;
            case "report":
                var files = await BlobNamesAsync(storage.Results, RunPrefix);
                return files.Contains(RunPrefix + ResultNames.RunFile)
                    ? $"run.json written, report {(files.Contains(RunPrefix + "report/index.html") ? "written" : "not yet written")}"
                    : null;
            default:
                throw new ArgumentException($"unknown kill point {point}");
        }
    }

    private static async Task<HashSet<string>> BlobNamesAsync(Azure.Storage.Blobs.BlobContainerClient container, string prefix)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix })) names.Add(blob.Name);
        return names;
    }

    /// <summary>SHA-256 of every result file that is a pure function of the raw data (not run.json, plan.json, report/).</summary>
    private static SortedDictionary<string, string> ResultFiles(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative is ResultNames.RunFile or ResultNames.PlanFile || relative.StartsWith("report/", StringComparison.Ordinal)) continue;
            files[relative] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        }
        return files;
    }

    /// <summary>Where a result file of the resumed run first differs from the fault-free run's: the first differing line of each.</summary>
    private static string FirstDifference(string relative, string expectedFolder, string actualFolder)
    {
        string expectedPath = Path.Combine(expectedFolder, relative), actualPath = Path.Combine(actualFolder, relative);
        if (!File.Exists(expectedPath) || !File.Exists(actualPath))
            return $"{relative}: {(File.Exists(expectedPath) ? "missing in the resumed run" : "only in the resumed run")}";
        if (relative.EndsWith(".h5", StringComparison.Ordinal)) return $"{relative}: binary files differ";
        string expected = File.ReadAllText(expectedPath), actual = File.ReadAllText(actualPath);
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        int line = 1 + expected.AsSpan(0, at).Count('\n');
        return $"{relative}: first difference at line {line}\n  fault-free: {Around(expected, at)}\n  resumed:    {Around(actual, at)}";
    }

    private static string Around(string text, int at)
    {
        int from = Math.Max(0, at - 200), to = Math.Min(text.Length, at + 200);
        return text[from..to].Replace('\n', ' ');
    }

    private static string SeriesOf(string runFolder) =>
        JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(Path.Combine(runFolder, ResultNames.RunFile))).RootElement.GetProperty("series"));

    internal static Process StartCli(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cloudxpcs.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    internal static async Task<(int Code, string Output)> RunCliAsync(string[] args)
    {
        using var process = StartCli(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }
}
