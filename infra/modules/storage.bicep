// Storage for raw uploads, results, pipeline tables, the Functions host and the Durable Task hub.
// Shared keys are disabled: every client authenticates with Microsoft Entra ID.
import { stringMap } from 'types.bicep'

param name string
param location string
param tags stringMap
param rawContainerName string
param resultsContainerName string
param deploymentContainerName string

@description('Container that receives blob events Event Grid could not deliver.')
param deadLetterContainerName string
param tableNames string[]

@description('Days a deleted blob or container can still be restored (protects raw data against mistakes).')
@minValue(1)
@maxValue(365)
param softDeleteRetentionDays int = 14

@description('Replication: zone-redundant by default, so that one zone failing loses no raw data.')
@allowed(['Standard_ZRS', 'Standard_GZRS', 'Standard_RAGZRS', 'Standard_LRS'])
param skuName string = 'Standard_ZRS'

@description('Days every version of a raw blob stays immutable (cannot be deleted or changed, not even by an owner).')
@minValue(1)
@maxValue(146000)
param rawImmutabilityDays int = 365

@description('Public IP ranges (CIDR) allowed to reach the account; empty keeps public access open to all networks. With a list, everything else is denied (trusted Azure services still pass; use private endpoints for the app).')
param allowedIpRangeList string[] = []

@description('Disable public network access entirely (private endpoints only).')
param disablePublicNetworkAccess bool = false

@description('Deny public traffic except allowedIpRangeList and trusted Azure services (the app comes in through private endpoints).')
param denyPublicByDefault bool = false

resource account 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: disablePublicNetworkAccess ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: empty(allowedIpRangeList) && !disablePublicNetworkAccess && !denyPublicByDefault ? 'Allow' : 'Deny'
      ipRules: [for range in allowedIpRangeList: { value: range, action: 'Allow' }]
    }
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: account
  name: 'default'
  properties: {
    isVersioningEnabled: true
    changeFeed: {
      enabled: true
    }
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = [
  for containerName in [resultsContainerName, deploymentContainerName, deadLetterContainerName]: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

// Raw uploads are write-once: every version is kept (versioning) and immutable for rawImmutabilityDays, so a changed
// file becomes a new version and nothing, not even an account owner, deletes or overwrites what was analysed.
resource rawContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: rawContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

resource rawImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2026-09-01' = {
  parent: rawContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: rawImmutabilityDays
    allowProtectedAppendWrites: false
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-09-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-09-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
