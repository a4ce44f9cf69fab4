using System.Diagnostics;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Storage;
using Microsoft.DurableTask;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>XAM raster scans of the beamtime into concentration profiles (xam/profiles.csv of the run).</summary>
public sealed class BuildXamProfilesActivity(PipelineStorage storage) : TaskActivity<BeamtimeStepRequest, ActivityResult>
{
    public override async Task<ActivityResult> RunAsync(TaskActivityContext context, BeamtimeStepRequest input)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = LocalWorkspace.Create("xam");
        string beamtimeFolder = await BeamtimeInputs.DownloadAsync(storage, input.Beamtime, input.RunPrefix, workspace);
        string output = Path.Combine(workspace.Root, XamBeamtime.ProfilesFileName);
        workspace.NamingBlobs(() => XamBeamtime.Process(beamtimeFolder, output), workspace.Folder("inputs"));
        string blob = input.RunPrefix + XamProfilesCsv.RunRelativePath;
        await BlobTransfer.UploadFileAsync(storage.Results, blob, output);
        return new ActivityResult(blob, clock.Elapsed.TotalMilliseconds);
    }
}
