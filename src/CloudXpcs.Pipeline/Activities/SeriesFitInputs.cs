using System.Text.Json;
using Azure;
using CloudXpcs.Analysis.Comparison;
using CloudXpcs.Analysis.Xpcs;
using CloudXpcs.Data;
using CloudXpcs.Data.Comparison;
using CloudXpcs.Data.Manifests;
using CloudXpcs.Data.Results;
using CloudXpcs.Data.Xam;
using CloudXpcs.Pipeline.Storage;

namespace CloudXpcs.Pipeline.Activities;

/// <summary>
/// The beamtime-level files a series' fit reads besides its own content: beamtime.json (initial concentration),
/// echem.csv (the current, for the Li-interface velocity) and measured/profiles.csv (the local concentration for ε).
/// They are not part of the analysis id (a new echem.csv must not re-correlate every series), so an analysis records
/// which versions its fit.json used (<c>{analysis}.fit-inputs.json</c>, "name@ETag" or "name@absent"), and a run
/// publishes that fit.json only when they are the versions the run planned; otherwise the run fits the series again
/// with its planned versions. A series analysed while the upload was still streaming (echem.csv not there yet) thus never
/// puts a fit made without it into a run that has it.
/// </summary>
internal static class SeriesFitInputs
{
    private const string Absent = "absent";
    private static readonly string MeasuredProfiles = MeasuredBeamtimeLoader.MeasuredProfilesRelativePath.Replace('\\', '/');
    private static readonly string[] Names = [BeamtimeManifest.FileName, EchemCsv.FileName, MeasuredProfiles];

    /// <summary>The versions a run planned, in the form <see cref="LoadConcentrationAsync"/> reports what it used.</summary>
    public static IReadOnlyList<string> Planned(IReadOnlyList<RunJsonInput> beamtimeInputs) =>
        Names.Select(name => beamtimeInputs.FirstOrDefault(i => i.Blob == name) is { ETag: { } etag } ? Version(name, etag) : $"{name}@{Absent}").ToList();

    // A listing gives an ETag without quotes, a blob's properties with them: the record keeps it without.
    private static string Version(string name, string etag) => $"{name}@{etag.Trim('"')}";

    /// <summary>
    /// The concentration for ε and the current at the series' time and position (as offline), from the versions in
    /// <paramref name="planned"/> when given (If-Match; a file the plan lacks is absent), else from what raw holds now;
    /// with the versions used.
    /// </summary>
    public static async Task<(AnionConcentration Concentration, IReadOnlyList<string> Used)> LoadConcentrationAsync(PipelineStorage storage, string beamtime,
        IReadOnlyList<RunJsonInput>? planned, double polarizationTimeMin, double positionMm, LocalWorkspace workspace, CancellationToken cancellationToken)
    {
        var used = new List<string>();
        string folder = workspace.Folder(beamtime);   // laid out like raw, so that errors name the blobs
        async Task<string?> Fetch(string name)
        {
            string blob = beamtime + "/" + name;
            ETag? version = planned is null ? await CurrentVersionAsync(storage, blob, cancellationToken)
                : planned.FirstOrDefault(i => i.Blob == name) is { ETag: { } etag } ? new ETag(etag) : null;
            used.Add(version is { } v ? Version(name, v.ToString()) : $"{name}@{Absent}");
            if (version is null) return null;
            string path = Path.Combine(folder, name.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                await BlobTransfer.DownloadFileAsync(storage.Raw, blob, path, version, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                if (planned is not null)
                    throw new DataContractException(blob, $"was replaced or removed after the run was planned (the run reads the version it planned, ETag {version}); start a new run to use the new content");
                throw new InvalidOperationException($"{blob} changed while the fit read it; the fit is tried again");
            }
            return path;
        }

        string? manifestPath = await Fetch(BeamtimeManifest.FileName);
        string? echemPath = await Fetch(EchemCsv.FileName);
        string? profilesPath = await Fetch(MeasuredProfiles);
        var concentration = workspace.NamingBlobs(() =>
        {
            var initial = AnionConcentration.Of(manifestPath is null ? null : BeamtimeManifest.Load(manifestPath));
            var echem = echemPath is null ? null : EchemCsv.Read(echemPath);
            var profiles = profilesPath is null ? null : XamProfilesCsv.Read(profilesPath);
            return AnionConcentration.AtSeries(initial, echem, profiles, MeasuredProfiles, polarizationTimeMin, positionMm);
        });
        return (concentration, used);
    }

    /// <summary>The blob name of the record of an analysis' fit inputs.</summary>
    public static string RecordBlob(string analysisPrefix) => analysisPrefix.TrimEnd('/') + ".fit-inputs.json";

    public static Task WriteAsync(PipelineStorage storage, string analysisPrefix, IReadOnlyList<string> used) =>
        BlobTransfer.UploadTextAsync(storage.Results, RecordBlob(analysisPrefix), JsonSerializer.Serialize(used));

    /// <summary>What an analysis' fit used; null for an analysis from before the record existed.</summary>
    public static async Task<IReadOnlyList<string>?> ReadAsync(PipelineStorage storage, string analysisPrefix)
    {
        string? text = await BlobTransfer.DownloadTextOrNullAsync(storage.Results, RecordBlob(analysisPrefix), 1 << 16);
        return text is null ? null : JsonSerializer.Deserialize<List<string>>(text);
    }

    private static async Task<ETag?> CurrentVersionAsync(PipelineStorage storage, string blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Raw.GetBlobClient(blob).GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
