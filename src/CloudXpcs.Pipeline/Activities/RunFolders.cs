using CloudXpcs.Data;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>Reading the beamtime-level inputs from the raw container.</summary>
internal static class BeamtimeInputs
{
    public static async Task<BeamtimeManifest> LoadManifestAsync(PipelineStorage storage, string beamtime)
    {
        string blob = $"{beamtime}/{BeamtimeManifest.FileName}";
        string text = await BlobTransfer.DownloadTextOrNullAsync(storage.Raw, blob, SeriesManifest.MaxManifestBytes)
                      ?? throw new DataContractException(blob, "is missing: a beamtime needs its beamtime.json");
        var manifest = BeamtimeManifest.Parse(text, blob);
        if (manifest.Beamtime != beamtime) throw new DataContractException(blob, $"declares beamtime '{manifest.Beamtime}' but lies in '{beamtime}/'");
        return manifest;
    }

    /// <summary>beamtime.json, echem.csv, xam/ and measured/ into {folder}/{beamtime}/ (the contract layout).</summary>
    public static async Task<string> DownloadAsync(PipelineStorage storage, string beamtime, LocalWorkspace workspace)
    {
        string folder = workspace.Folder("inputs", beamtime);
        await BlobTransfer.DownloadPrefixAsync(storage.Raw, beamtime + "/", folder,
            relative => relative is BeamtimeManifest.FileName or EchemCsv.FileName || relative.StartsWith("xam/", StringComparison.Ordinal)
                        || relative.StartsWith("measured/", StringComparison.Ordinal));
        return folder;
    }
}

/// <summary>The beamtime inputs and the run folder so far, materialised in the contract layout for the offline code.</summary>
internal static class RunFolders
{
    public static async Task<(string Inputs, string Run)> DownloadAsync(PipelineStorage storage, string beamtime, string runPrefix, LocalWorkspace workspace)
    {
        string inputs = await BeamtimeInputs.DownloadAsync(storage, beamtime, workspace);
        string run = workspace.Folder("run");
        await BlobTransfer.DownloadPrefixAsync(storage.Results, runPrefix, run,
            relative => relative.EndsWith("/" + FitJson.FileName, StringComparison.Ordinal) || relative == XamProfilesCsv.RunRelativePath
                        || relative.StartsWith(SimulationJson.FolderName + "/", StringComparison.Ordinal));
        return (inputs, run);
    }
}
