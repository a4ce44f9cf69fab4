using System.ComponentModel;
using CloudXpcs.Pipeline.Hosting;
using CloudXpcs.Pipeline.Storage;
using Spectre.Console.Cli;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Cli.Commands.Cloud;

/// <summary>Where the pipeline's storage is: CLOUDXPCS_STORAGE, or a local Azurite (started from node_modules when none listens).</summary>
public class StorageSettings : CommandSettings
{
    [CommandOption("--storage <CONNECTION>")]
    [Description("Storage connection string (default: $CLOUDXPCS_STORAGE, else the local Azurite, started if nothing listens on ports 10000-10002).")]
    public string? Storage { get; init; }

    [CommandOption("--task-hub <NAME>")]
    [Description("Durable task hub name (default cloudxpcs).")]
    public string TaskHub { get; init; } = "cloudxpcs";

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

/// <summary>An open connection to the pipeline's storage; stops an Azurite it started (its data stay in the data folder).</summary>
public sealed class StorageSession : IAsyncDisposable
{
    private readonly AzuriteServer? _azurite;

    private StorageSession(PipelineStorageOptions options, AzuriteServer? azurite)
    {
        Options = options;
        _azurite = azurite;
        Storage = new PipelineStorage(options);
    }

    public PipelineStorageOptions Options { get; }
    public PipelineStorage Storage { get; }
    public bool StartedAzurite => _azurite?.StartedHere == true;

    /// <summary>Where an Azurite started by the CLI keeps its data, so that later commands see earlier runs.</summary>
    public static string AzuriteDataFolder =>
        Environment.GetEnvironmentVariable("CLOUDXPCS_AZURITE_DATA") is { Length: > 0 } folder ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "cloudxpcs", "azurite");

    public static async Task<StorageSession> OpenAsync(StorageSettings settings, CancellationToken cancellationToken = default)
    {
        string? connection = settings.Storage ?? Environment.GetEnvironmentVariable(PipelineStorageOptions.ConnectionSetting);
        AzuriteServer? azurite = null;
        if (string.IsNullOrEmpty(connection) || connection == PipelineStorageOptions.DevelopmentStorage)
        {
            azurite = await AzuriteServer.UseDefaultOrStartAsync(AzuriteDataFolder, cancellationToken: cancellationToken);
            connection = azurite.ConnectionString;
            if (azurite.StartedHere) Console.WriteLine($"started Azurite (node_modules/azurite) on ports {azurite.BlobPort}-{azurite.TablePort}, data in {AzuriteDataFolder}");
        }
        var options = new PipelineStorageOptions
        {
            ConnectionString = connection,
            NamePrefix = settings.NamePrefix,
            RawContainer = settings.RawContainer,
            ResultsContainer = settings.ResultsContainer,
        };
        var session = new StorageSession(options, azurite);
        await session.Storage.CreateIfNotExistsAsync(cancellationToken);
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
