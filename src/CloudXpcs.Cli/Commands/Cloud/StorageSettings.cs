using System.ComponentModel;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CloudXpcs.Pipeline.Storage;
using Spectre.Console.Cli;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>Where the pipeline's storage is: CLOUDXPCS_STORAGE, or a local Azurite (started from node_modules when none listens).</summary>
public class StorageSettings : CommandSettings
{
    [CommandOption("--storage <CONNECTION>")]
    [Description("Storage connection string (default: $CLOUDXPCS_STORAGE, else the local store: its own Azurite on free ports, data in ~/.local/share/cloudxpcs/azurite or $CLOUDXPCS_AZURITE_DATA, shared by concurrent commands).")]
    public string? Storage { get; init; }

    [CommandOption("--task-hub <NAME>")]
    [Description("Durable task hub name (default cloudxpcs; in the local store a concurrent command gets cloudxpcs1, cloudxpcs2, ...).")]
    public string? TaskHub { get; init; }

    [CommandOption("--name-prefix <PREFIX>")]
    [Description("Prefix of the pipeline's table and queue names (default none).")]
    public string NamePrefix { get; init; } = "";

    [CommandOption("--raw-container <NAME>")]
    [Description("Container of the uploaded beamtimes (default raw).")]
    public string RawContainer { get; init; } = "raw";

    [CommandOption("--results-container <NAME>")]
    [Description("Container of the results (default results).")]
    public string ResultsContainer { get; init; } = "results";
}

/// <summary>An open connection to the pipeline's storage; leaves the local store it joined (its data stay in the data folder).</summary>
public sealed class StorageSession : IAsyncDisposable
{
    private readonly LocalStore? _store;

    private StorageSession(PipelineStorageOptions options, LocalStore? store, string taskHub)
    {
        Options = options;
        _store = store;
        TaskHub = taskHub;
        Storage = new PipelineStorage(options, new BlobServiceClient(options.ConnectionString, StorageErrors.BlobOptions()),
            new TableServiceClient(options.ConnectionString, StorageErrors.TableOptions()),
            new QueueServiceClient(options.ConnectionString, StorageErrors.QueueOptions()));
    }

    public PipelineStorageOptions Options { get; }
    public PipelineStorage Storage { get; }
    /// <summary>The durable task hub this command's host uses.</summary>
    public string TaskHub { get; }

    /// <summary>Where the local store keeps its data, so that later commands see earlier runs.</summary>
    public static string AzuriteDataFolder =>
        Environment.GetEnvironmentVariable("CLOUDXPCS_AZURITE_DATA") is { Length: > 0 } folder ? Path.GetFullPath(folder)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "cloudxpcs", "azurite");

    public static async Task<StorageSession> OpenAsync(StorageSettings settings, CancellationToken cancellationToken = default, bool quiet = false)
    {
        string? connection = settings.Storage ?? Environment.GetEnvironmentVariable(PipelineStorageOptions.ConnectionSetting);
        LocalStore? store = null;
        if (string.IsNullOrEmpty(connection) || connection == PipelineStorageOptions.DevelopmentStorage)
        {
            if (!quiet) Console.WriteLine($"local store {AzuriteDataFolder}: starting or joining its Azurite ...");
            store = await LocalStore.OpenAsync(AzuriteDataFolder, cancellationToken);
            connection = store.ConnectionString;
            if (!quiet)
                Console.WriteLine($"local store: Azurite on ports {store.Emulator.BlobPort}/{store.Emulator.QueuePort}/{store.Emulator.TablePort} " +
                                  (store.StartedHere ? "(started here)" : $"(shared with {store.OtherClients} other cloudxpcs process{(store.OtherClients == 1 ? "" : "es")})") +
                                  $", task hub {settings.TaskHub ?? store.TaskHub}");
        }
        var options = new PipelineStorageOptions
        {
            ConnectionString = connection,
            NamePrefix = settings.NamePrefix,
            RawContainer = settings.RawContainer,
            ResultsContainer = settings.ResultsContainer,
        };
        var session = new StorageSession(options, store, settings.TaskHub ?? store?.TaskHub ?? "cloudxpcs");
        try
        {
            await session.Storage.CreateIfNotExistsAsync(cancellationToken);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
