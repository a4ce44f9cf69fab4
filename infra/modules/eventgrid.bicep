// Event Grid system topic on the storage account. Its subscription (blob-created on `raw` to the function app's
// blob-extension webhook) is deployed by blob-events.bicep after the code is deployed: the webhook's key exists
// only once the Functions host has started with the IngestRawBlob trigger. The topic carries the app's
// user-assigned identity so that the subscription can dead-letter undeliverable events into storage without keys.
import { stringMap } from 'types.bicep'

param name string
param location string
param tags stringMap
param storageAccountId string
param identityId string

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = systemTopic.name
