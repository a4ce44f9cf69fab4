using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Pipeline.Storage;

/// <summary>Names of the pipeline's containers, tables and queue; tests give each run unique ones.</summary>
public sealed record PipelineStorageOptions
{
    /// <summary>The one connection setting (ARCHITECTURE.md, "Configuration").</summary>
    public const string ConnectionSetting = "CLOUDXPCS_STORAGE";
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public string ConnectionString { get; init; } = DevelopmentStorage;
    public string RawContainer { get; init; } = "raw";
    public string ResultsContainer { get; init; } = "results";

    /// <summary>Prefix of every table and queue name (letters and digits), empty in production.</summary>
    public string NamePrefix { get; init; } = "";

    public string SeriesTable => NamePrefix + "series";
    public string ChunksTable => NamePrefix + "chunks";
    public string AnalysesTable => NamePrefix + "analyses";
    public string RunsTable => NamePrefix + "runs";
    public string ComparisonsTable => NamePrefix + "comparisons";
    public string RejectionsTable => NamePrefix + "rejections";
    public string EventsQueue => (NamePrefix + "cloudxpcs-events").ToLowerInvariant();

    public static PipelineStorageOptions FromEnvironment() => new()
    {
        ConnectionString = Environment.GetEnvironmentVariable(ConnectionSetting) is { Length: > 0 } c ? c : DevelopmentStorage,
    };
}

/// <summary>The Blob containers and Tables of the pipeline (DATA_CONTRACT sections 1 and 5).</summary>
public sealed class PipelineStorage
{
    public PipelineStorage(PipelineStorageOptions options)
        : this(options, new BlobServiceClient(options.ConnectionString, StorageRetries.Configure(new BlobClientOptions())),
               new TableServiceClient(options.ConnectionString, StorageRetries.Configure(new TableClientOptions())),
               new QueueServiceClient(options.ConnectionString, StorageRetries.Configure(new QueueClientOptions())))
    {
    }

    /// <summary>With clients made elsewhere (managed identity in Azure).</summary>
    public PipelineStorage(PipelineStorageOptions options, BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues)
    {
        Options = options;
        Blobs = blobs;
        Tables = tables;
        Queues = queues;
        Raw = blobs.GetBlobContainerClient(options.RawContainer);
        Results = blobs.GetBlobContainerClient(options.ResultsContainer);
        Series = tables.GetTableClient(options.SeriesTable);
        Chunks = tables.GetTableClient(options.ChunksTable);
        Analyses = tables.GetTableClient(options.AnalysesTable);
        Runs = tables.GetTableClient(options.RunsTable);
        Comparisons = tables.GetTableClient(options.ComparisonsTable);
        Rejections = tables.GetTableClient(options.RejectionsTable);
    }

    public PipelineStorageOptions Options { get; }
    public BlobServiceClient Blobs { get; }
    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobContainerClient Raw { get; }
    public BlobContainerClient Results { get; }
    public TableClient Series { get; }
    public TableClient Chunks { get; }
    public TableClient Analyses { get; }
    public TableClient Runs { get; }
    public TableClient Comparisons { get; }
    public TableClient Rejections { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        await Raw.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Results.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var table in new[] { Series, Chunks, Analyses, Runs, Comparisons, Rejections })
            await table.CreateIfNotExistsAsync(cancellationToken);
    }
}
