using System.Diagnostics;
using System.Text.Json;
using CloudXpcs.Cli.Commands.Cloud;
using CloudXpcs.Cli.Tests.Support;
using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Tests.Support;
using Xunit.Abstractions;

namespace CloudXpcs.Cli.Tests;

/// <summary>
/// The local store of the storage commands (no --storage): its Azurite is started by the first command and stopped
/// by the last, gracefully, so that a new process sees everything the previous one was told.
/// </summary>
public sealed class LocalStoreTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_run_is_completed_for_a_new_process_after_the_emulator_was_stopped_and_restarted_between_the_commands()
    {
        string store = _temp.File("store");
        var beamtime = SyntheticBeamtimeWriter.Write(_temp.File("bt"), new SyntheticBeamtimeSpec
        {
            Beamtime = "bt", Frames = 128, Seed = 3, SeriesTimesMin = [60], XamTimesMin = [0, 60],
        });
        var clock = Stopwatch.StartNew();
        var run = await RunCliAsync(store, "run", "--beamtime", beamtime.Folder, "--out", _temp.File("out"), "--run-id", "r1", "--sets", "RS",
            "--no-infer", "--workers", "2");
        output.WriteLine($"run: {clock.Elapsed.TotalSeconds:0.0} s\n{run.Output}");
        Assert.True(run.Code == 0, run.Output);
        Assert.Contains("(started here)", run.Output);
        Assert.Contains("run r1: completed, 5 series analysed", run.Output);

        // The command left the store: its emulator has exited (after saving) and nothing is recorded as running.
        Assert.False(File.Exists(Path.Combine(store, "cloudxpcs-store.json")), "the emulator is still recorded after its last user left");
        Assert.Empty(Directory.GetFiles(Path.Combine(store, "cloudxpcs-clients")));
        string log = await File.ReadAllTextAsync(Path.Combine(store, "azurite-console.log"));
        Assert.Equal(3, CountOf(log, "service successfully closed"));

        var status = await RunCliAsync(store, "status", "--json");
        output.WriteLine($"status: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(status.Code == 0, status.Output);
        using var json = JsonDocument.Parse(status.Stdout);
        var row = Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal(("r1", "completed", 5), (row.GetProperty("run_id").GetString(), row.GetProperty("status").GetString(),
            row.GetProperty("series_analysed").GetInt32()));
        Assert.All(json.RootElement.GetProperty("series").EnumerateArray(), s => Assert.Equal("analysed", s.GetProperty("status").GetString()));
        Assert.Equal(6, CountOf(await File.ReadAllTextAsync(Path.Combine(store, "azurite-console.log")), "service successfully closed"));
    }

    [Theory]
    [InlineData("blob", "http://127.0.0.1:10000/devstoreaccount1/raw/bt/xpcs/s1/c0.h5", "container raw, blob bt/xpcs/s1/c0.h5")]
    [InlineData("blob", "http://127.0.0.1:10000/devstoreaccount1/results?restype=container", "container results")]
    [InlineData("table", "http://127.0.0.1:10002/devstoreaccount1/series(PartitionKey='bt',RowKey='s1')", "table series")]
    [InlineData("blob", "https://acct.blob.core.windows.net/raw/bt/beamtime.json", "container raw, blob bt/beamtime.json")]
    [InlineData("queue", "https://acct.queue.core.windows.net/cloudxpcs-events/messages", "queue cloudxpcs-events")]
    public void A_storage_error_names_the_container_blob_or_table(string service, string uri, string expected) =>
        Assert.Equal(expected, StorageErrors.ResourceName(service, new Uri(uri)));

    [Fact]
    public void A_missing_container_is_reported_with_its_name_and_a_remedy()
    {
        var error = new Azure.RequestFailedException(404, "The specified container does not exist.", "ContainerNotFound", null);
        Assert.Matches("^.+: ContainerNotFound: The specified container does not exist\\. \\(containers are created when a command starts.*\\)$",
            StorageErrors.Describe(error));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private static async Task<(int Code, string Stdout, string Output)> RunCliAsync(string store, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cloudxpcs.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["CLOUDXPCS_AZURITE_DATA"] = store;
        start.Environment.Remove("CLOUDXPCS_STORAGE");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }
}

/// <summary>CLI details a newcomer meets first: the version, suggestions, option names in conversion errors.</summary>
[Collection(CliCollection.Name)]
public sealed class FirstContactTests
{
    [Fact]
    public void Version_is_the_informational_version_for_both_spellings()
    {
        var flag = CliRun.Cloudxpcs("--version");
        var command = CliRun.Cloudxpcs("version");
        Assert.Equal(0, flag.ExitCode);
        Assert.Equal(command.Stdout, flag.Stdout);
        Assert.Matches(@"^cloudxpcs \d+\.\d+\.\d+\+[0-9a-f]{7,}", flag.Stdout);
    }

    [Fact]
    public void A_mistyped_command_gets_a_suggestion_and_the_british_spelling_works()
    {
        var typo = CliRun.Cloudxpcs("analyse-serie");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("did you mean 'analyze-series'?", typo.Stderr);
        var british = CliRun.Cloudxpcs("analyse-series", "--help");
        Assert.Equal(0, british.ExitCode);
    }

    [Fact]
    public void A_value_that_does_not_convert_names_its_option()
    {
        var result = CliRun.Cloudxpcs("correlate", "--series", "x/series.json", "--out", "g2.h5", "--threads", "abc");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --threads: 'abc' is not a whole number", Assert.Single(result.StderrLines));
    }

    [Fact]
    public void Report_of_a_missing_run_folder_fails_before_any_progress()
    {
        var result = CliRun.Cloudxpcs("report", "--run", Path.Combine(Path.GetTempPath(), "no-such-run-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("run folder not found", Assert.Single(result.StderrLines));
    }
}
