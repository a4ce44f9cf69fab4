using CloudXpcs.Analysis.Synthetic;
using CloudXpcs.Data.Tests.Support;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using CloudXpcs.Pipeline.Transfer;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Tests.Support;

/// <summary>Unique containers, tables and task hub on the shared Azurite, plus a small synthetic beamtime on disk.</summary>
public sealed class PipelineTestBed : IDisposable
{
    public PipelineTestBed(AzuriteFixture azurite) : this(azurite.ConnectionString)
    {
    }

    /// <summary>On any storage account (a test's own Azurite).</summary>
    public PipelineTestBed(string connectionString)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        Options = new PipelineStorageOptions
        {
            ConnectionString = connectionString,
            RawContainer = "raw-" + id,
            ResultsContainer = "results-" + id,
            NamePrefix = "t" + id,
        };
        TaskHub = "hub" + id;
        Storage = new PipelineStorage(Options);
    }

    public TempFolder Temp { get; } = new();
    public PipelineStorageOptions Options { get; }
    public string TaskHub { get; }
    public PipelineStorage Storage { get; }

    public LocalPipelineOptions PipelineOptions(int workers = 2) => new() { Storage = Options, TaskHubName = TaskHub, Workers = workers };

    /// <summary>A synthetic beamtime (5 positions × given times, 128×128 px) written to disk.</summary>
    public SyntheticBeamtime WriteBeamtime(string name = "bt", int frames = 256, IReadOnlyList<double>? timesMin = null, int seed = 11) =>
        SyntheticBeamtimeWriter.Write(Temp.File(name), new SyntheticBeamtimeSpec
        {
            Beamtime = name, Frames = frames, Seed = seed, SeriesTimesMin = timesMin ?? [60, 300], XamTimesMin = [0, 151, 314],
        });

    public async Task<UploadSummary> UploadAsync(string folder, string beamtime)
    {
        await Storage.CreateIfNotExistsAsync();
        return await new BeamtimeUploader(Storage.Raw).UploadFolderAsync(folder, beamtime);
    }

    public void Dispose() => Temp.Dispose();
}
