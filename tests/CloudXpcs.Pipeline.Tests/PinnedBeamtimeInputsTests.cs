using System.Text.Json;
using CloudXpcs.Data;
using CloudXpcs.Pipeline.Activities;
using CloudXpcs.Pipeline.Contracts;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Tests.Support;
using CloudXpcs.Pipeline.Transfer;

namespace CloudXpcs.Pipeline.Tests;

/// <summary>
/// The beamtime-level files (beamtime.json, echem.csv, xam/, measured/) a run's steps read are the versions its plan
/// recorded: a file replaced or removed after planning fails the step naming the blob, a file added after planning is
/// not read, and an unchanged beamtime is read byte for byte.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PinnedBeamtimeInputsTests(AzuriteFixture azurite) : IDisposable
{
    private const string Bt = "pinned";
    private readonly PipelineTestBed _bed = new(azurite);

    public void Dispose() => _bed.Dispose();

    private async Task<(string Folder, string RunPrefix)> PlannedAsync()
    {
        var beamtime = _bed.WriteBeamtime(Bt, frames: 64, timesMin: [60]);
        // Only the beamtime-level files matter here: the series are left out of the upload.
        Directory.Delete(Path.Combine(beamtime.Folder, "xpcs"), recursive: true);
        await _bed.UploadAsync(beamtime.Folder, Bt);
        string prefix = ResultNames.RunPrefix(Bt, "r1");
        var plan = new RunPlan(Bt, "r1", prefix, [], [], true, true) { BeamtimeInputs = await BeamtimeInputVersions.ListAsync(_bed.Storage, Bt) };
        await BlobTransfer.UploadTextAsync(_bed.Storage.Results, prefix + ResultNames.PlanFile, JsonSerializer.Serialize(plan));
        return (beamtime.Folder, prefix);
    }

    private static IEnumerable<string> BeamtimeFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n is "beamtime.json" or "echem.csv" || n.StartsWith("xam/", StringComparison.Ordinal) || n.StartsWith("measured/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Fact]
    public async Task An_unchanged_beamtime_is_read_as_planned_and_a_file_added_later_is_not_read()
    {
        var (folder, prefix) = await PlannedAsync();
        string added = Path.Combine(_bed.Temp.File("added"), "extra.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(added)!);
        File.WriteAllText(added, "position_mm,it,i0\n1,1,2\n");
        await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(added, $"{Bt}/xam/extra.csv", RawUploadMode.Immutable);

        using var workspace = LocalWorkspace.Create("pinned-test");
        string local = await BeamtimeInputs.DownloadAsync(_bed.Storage, Bt, prefix, workspace);
        Assert.Equal(BeamtimeFiles(folder), BeamtimeFiles(local));
        foreach (string name in BeamtimeFiles(folder))
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, name)), File.ReadAllBytes(Path.Combine(local, name)));
    }

    [Fact]
    public async Task A_file_replaced_after_planning_fails_the_step_naming_the_blob()
    {
        var (folder, prefix) = await PlannedAsync();
        string changed = _bed.Temp.File("echem-changed.csv");
        File.WriteAllText(changed, File.ReadAllText(Path.Combine(folder, "echem.csv")) + "\n");
        await new BeamtimeUploader(_bed.Storage.Raw).UploadFileAsync(changed, $"{Bt}/echem.csv", RawUploadMode.NewVersion);

        using var workspace = LocalWorkspace.Create("pinned-test");
        var error = await Assert.ThrowsAsync<DataContractException>(() => BeamtimeInputs.DownloadAsync(_bed.Storage, Bt, prefix, workspace));
        Assert.StartsWith($"{Bt}/echem.csv: was replaced after the run was planned", error.Message);
    }

    [Fact]
    public async Task A_file_removed_after_planning_fails_the_step_naming_the_blob()
    {
        var (_, prefix) = await PlannedAsync();
        await _bed.Storage.Raw.GetBlobClient($"{Bt}/beamtime.json").DeleteAsync();

        using var workspace = LocalWorkspace.Create("pinned-test");
        var error = await Assert.ThrowsAsync<DataContractException>(() => BeamtimeInputs.DownloadAsync(_bed.Storage, Bt, prefix, workspace));
        Assert.StartsWith($"{Bt}/beamtime.json: was removed after the run was planned", error.Message);
    }
}
