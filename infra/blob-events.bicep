// Event Grid subscription: Microsoft.Storage.BlobCreated under container `raw` -> the Event Grid-sourced blob
// trigger of function IngestRawBlob. Deployed by the azd postdeploy hook (scripts/subscribe-blob-events.sh), after
// `azd deploy`, because the host creates its `blobs_extension` system key on first start.
// The key is read inside this deployment with listKeys and goes straight into the subscription's endpoint URL:
// it is never output, logged, stored in app settings or passed on a command line.
targetScope = 'resourceGroup'

param functionAppName string
param systemTopicName string
param storageAccountName string
@description('The user-assigned identity the system topic carries; it writes dead-lettered events.')
param identityName string
param rawContainerName string = 'raw'
param deadLetterContainerName string = 'deadletter'
param functionName string = 'IngestRawBlob'
param subscriptionName string = 'raw-blob-created'

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
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
    // After the retries run out the event is kept as a blob (the identity holds Storage Blob Data Owner), so a
    // missed upload can be found and re-announced instead of being lost.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identity.id
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: deadLetterContainerName
        }
      }
    }
  }
}

output subscriptionName string = rawBlobCreated.name
