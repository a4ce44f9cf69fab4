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
    /// <summary>beamtime.json; of the version <paramref name="planned"/> lists when given (the plan's own listing).</summary>
    public static async Task<BeamtimeManifest> LoadManifestAsync(PipelineStorage storage, string beamtime, IReadOnlyList<RunJsonInput>? planned = null)
    {
        string blob = $"{beamtime}/{BeamtimeManifest.FileName}";
        string? etag = planned?.FirstOrDefault(i => i.Blob == BeamtimeManifest.FileName)?.ETag;
        string text;
        try
        {
            text = await BlobTransfer.DownloadTextOrNullAsync(storage.Raw, blob, SeriesManifest.MaxManifestBytes, default, etag is null ? null : new Azure.ETag(etag))
                   ?? throw new DataContractException(blob, "is missing: a beamtime needs its beamtime.json");
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412)
        {
            throw new DataContractException(blob, "was replaced while the run was being planned; start the run again");
        }
        var manifest = BeamtimeManifest.Parse(text, blob);
        if (manifest.Beamtime != beamtime) throw new DataContractException(blob, $"declares beamtime '{manifest.Beamtime}' but lies in '{beamtime}/'");
        return manifest;
    }

    /// <summary>
    /// beamtime.json, echem.csv, xam/ and measured/ into {folder}/{beamtime}/ (the contract layout): exactly the versions
    /// the run's plan recorded (If-Match on their ETags), so every step of a run reads the same inputs and run.json lists
    /// what was read. A file changed or removed since the plan fails the step with the blob's name; files added since are
    /// not part of the run.
    /// </summary>
    public static async Task<string> DownloadAsync(PipelineStorage storage, string beamtime, string runPrefix, LocalWorkspace workspace)
    {
        string folder = workspace.Folder("inputs", beamtime);
        var plan = await RunPlans.ReadAsync(storage, runPrefix);
        if (plan.BeamtimeInputs is not { } planned)
        {
            // A plan written before versions were recorded: what raw holds now.
            await BlobTransfer.DownloadPrefixAsync(storage.Raw, beamtime + "/", folder, IsBeamtimeInput);
            return folder;
        }
        // Names that are not safe raw-blob names (e.g. with "..") are never written locally, as in DownloadPrefixAsync.
        await Parallel.ForEachAsync(planned.Where(i => IsBeamtimeInput(i.Blob) && RawBlobName.Check("x/" + i.Blob).Length == 0), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (input, ct) =>
        {
            string blob = beamtime + "/" + input.Blob;
            string local = Path.Combine(folder, input.Blob.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                await BlobTransfer.DownloadFileAsync(storage.Raw, blob, local, input.ETag is { } etag ? new Azure.ETag(etag) : null, ct);
            }
            catch (Azure.RequestFailedException e) when (e.Status is 404 or 412)
            {
                // A missing blob can answer If-Match with 412 as well as 404.
                bool removed = e.Status == 404 || !(await storage.Raw.GetBlobClient(blob).ExistsAsync(ct)).Value;
                throw new DataContractException(blob, $"was {(removed ? "removed" : "replaced")} after the run was planned (the run reads the " +
                    $"version it planned, ETag {input.ETag}); start a new run to use the new content");
            }
        });
        return folder;
    }

    private static bool IsBeamtimeInput(string relative) =>
        relative is BeamtimeManifest.FileName or EchemCsv.FileName || relative.StartsWith(XamBeamtime.FolderName + "/", StringComparison.Ordinal)
        || relative.StartsWith("measured/", StringComparison.Ordinal);
}

/// <summary>The plan of a run, as <see cref="PlanRunActivity"/> stored it beside the run's results.</summary>
internal static class RunPlans
{
    public static async Task<RunPlan> ReadAsync(PipelineStorage storage, string runPrefix)
    {
        var text = await BlobTransfer.DownloadTextOrNullAsync(storage.Results, runPrefix + ResultNames.PlanFile, 16 << 20)
                   ?? throw new InvalidOperationException($"{runPrefix}{ResultNames.PlanFile} is missing");
        return System.Text.Json.JsonSerializer.Deserialize<RunPlan>(text)!;
    }
}

/// <summary>The beamtime inputs and the run folder so far, materialised in the contract layout for the offline code.</summary>
internal static class RunFolders
{
    public static async Task<(string Inputs, string Run)> DownloadAsync(PipelineStorage storage, string beamtime, string runPrefix, LocalWorkspace workspace)
    {
        string inputs = await BeamtimeInputs.DownloadAsync(storage, beamtime, runPrefix, workspace);
        string run = workspace.Folder("run");
        await BlobTransfer.DownloadPrefixAsync(storage.Results, runPrefix, run,
            relative => relative.EndsWith("/" + FitJson.FileName, StringComparison.Ordinal) || relative == XamProfilesCsv.RunRelativePath
                        || relative.StartsWith(SimulationJson.FolderName + "/", StringComparison.Ordinal));
        return (inputs, run);
    }
}
