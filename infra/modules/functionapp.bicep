// Flex Consumption function app running as the user-assigned identity. Every connection in the app settings
// is identity-based (service URIs + credential + client id); there is no key, SAS or connection string secret.
import { stringMap } from 'types.bicep'

param planName string
param appName string
param location string
param tags stringMap
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
param serviceBusFullyQualifiedNamespace string
param serviceBusTopicName string
param rawContainerName string
param resultsContainerName string
param seriesTableName string
param runsTableName string
param chunksTableName string
param comparisonsTableName string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('.NET version of the isolated worker (the Functions project targets net10.0).')
param dotnetVersion string = '10.0'

@description('Client id of an Entra ID app registration; when set, App Service authentication (EasyAuth) requires an Entra ID token for every HTTP call.')
param apiEntraClientId string = ''

@description('Subnet (delegated to Microsoft.App/environments) the app\'s outbound traffic is integrated into; empty for none.')
param appSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Every connection is identity-based ({connection}__{property}, the Azure Functions convention): service URIs,
// credential = managedidentity and the user-assigned identity's client id. AzureWebJobsStorage is the host's
// own storage (and the Durable Task hub's, unless the app names another connection); CLOUDXPCS_STORAGE is the
// pipeline's; both point at the same account.
var appSettings = {
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  AzureWebJobsStorage__tableServiceUri: storageTableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  CLOUDXPCS_STORAGE__blobServiceUri: storageBlobEndpoint
  CLOUDXPCS_STORAGE__queueServiceUri: storageQueueEndpoint
  CLOUDXPCS_STORAGE__tableServiceUri: storageTableEndpoint
  CLOUDXPCS_STORAGE__credential: 'managedidentity'
  CLOUDXPCS_STORAGE__clientId: identityClientId
  CLOUDXPCS_SERVICEBUS__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  CLOUDXPCS_SERVICEBUS__credential: 'managedidentity'
  CLOUDXPCS_SERVICEBUS__clientId: identityClientId
  CLOUDXPCS_SERVICEBUS_TOPIC: serviceBusTopicName
  CLOUDXPCS_RAW_CONTAINER: rawContainerName
  CLOUDXPCS_RESULTS_CONTAINER: resultsContainerName
  CLOUDXPCS_TABLE_SERIES: seriesTableName
  CLOUDXPCS_TABLE_RUNS: runsTableName
  CLOUDXPCS_TABLE_CHUNKS: chunksTableName
  CLOUDXPCS_TABLE_COMPARISONS: comparisonsTableName
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Outbound traffic through the private network (storage and Service Bus private endpoints) when one is given.
    virtualNetworkSubnetId: empty(appSubnetId) ? null : appSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }

  // Deployment by publishing credentials (basic auth) is off; azd deploys with Entra ID.
  resource scmBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftpBasicAuth 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource entraAuth 'config' = if (!empty(apiEntraClientId)) {
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
      }
      globalValidation: {
        requireAuthentication: true
        unauthenticatedClientAction: 'Return401'
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          registration: {
            clientId: apiEntraClientId
            openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          }
          validation: {
            allowedAudiences: [
              'api://${apiEntraClientId}'
              apiEntraClientId
            ]
          }
        }
      }
    }
  }
}

output name string = app.name
output id string = app.id
output defaultHostName string = app.properties.defaultHostName
