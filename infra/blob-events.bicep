// Event Grid subscription: Microsoft.Storage.BlobCreated under container `raw` -> the Event Grid-sourced blob
// trigger of function IngestRawBlob. Deployed by the azd postdeploy hook (scripts/subscribe-blob-events.sh), after
// `azd deploy`, because the host creates its `blobs_extension` system key on first start.
// The key is read inside this deployment with listKeys and goes straight into the subscription's endpoint URL:
// it is never output, logged, stored in app settings or passed on a command line.
targetScope = 'resourceGroup'

param functionAppName string
param systemTopicName string
param rawContainerName string = 'raw'
param functionName string = 'IngestRawBlob'
param subscriptionName string = 'raw-blob-created'

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

var blobsExtensionKey = listKeys('${functionApp.id}/host/default', '2025-03-01').systemKeys.blobs_extension

resource rawBlobCreated 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: systemTopic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${rawContainerName}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output subscriptionName string = rawBlobCreated.name
