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
/// <remarks>With <c>CLOUDXPCS_LIVE_INTERVAL_S</c> set, a series whose chunks are still arriving also gets partial results (live feedback).</remarks>
public sealed class IngestRawBlobFunction(PipelineStorage storage, ILoggerFactory loggers, Configuration.LiveFeedbackSetting? live = null)
{
    public const string Name = "IngestRawBlob";

    [Function(Name)]
    public async Task<IngestOutcome> RunAsync(
        [BlobTrigger("raw/{name}", Source = BlobTriggerSource.EventGrid, Connection = PipelineStorageOptions.ConnectionSetting)] BlobClient blob,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var ingestor = new RawBlobIngestor(storage, new DurableAnalysisScheduler(client), loggers.CreateLogger<RawBlobIngestor>(), liveFeedback: live?.Options);
        var outcome = await ingestor.IngestAsync(blob.Name, cancellationToken);
        loggers.CreateLogger<IngestRawBlobFunction>().LogInformation("raw blob {Blob}: {Outcome}", RawBlobName.Printable(blob.Name), outcome);
        return outcome;
    }
}
