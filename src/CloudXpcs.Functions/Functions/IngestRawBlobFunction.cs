using Azure.Storage.Blobs;
using CloudXpcs.Pipeline.Ingest;
using CloudXpcs.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using CloudXpcs.Pipeline.Contracts;

namespace CloudXpcs.Functions.Functions;

/// <summary>
/// Blob created in raw (delivered by the Event Grid subscription of the infrastructure, never by polling): the blob
/// is recorded and, when its series becomes complete, the series orchestration is started. Only the name is used; the
/// content (chunks can be large) is read by the activities.
/// </summary>
public sealed class IngestRawBlobFunction(PipelineStorage storage, ILoggerFactory loggers)
{
    public const string Name = "IngestRawBlob";

    [Function(Name)]
    public async Task<IngestOutcome> RunAsync(
        [BlobTrigger("raw/{name}", Source = BlobTriggerSource.EventGrid, Connection = PipelineStorageOptions.ConnectionSetting)] BlobClient blob,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var ingestor = new RawBlobIngestor(storage, new DurableAnalysisScheduler(client), loggers.CreateLogger<RawBlobIngestor>());
        var outcome = await ingestor.IngestAsync(blob.Name, cancellationToken);
        loggers.CreateLogger<IngestRawBlobFunction>().LogInformation("raw blob {Blob}: {Outcome}", RawBlobName.Printable(blob.Name), outcome);
        return outcome;
    }
}
