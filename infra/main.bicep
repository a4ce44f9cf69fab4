// CloudXpcs on Azure (azd): storage, Flex Consumption function app with a user-assigned managed identity,
// Application Insights, Event Grid system topic on the storage account, Service Bus topic.
// No keys or connection-string secrets anywhere: shared-key, SAS and local auth are disabled and the app's
// identity holds data-plane roles (modules/rbac.bicep).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name.')
param environmentName string

@minLength(1)
@description('Azure region for all resources (a region that offers Flex Consumption).')
param location string

@description('Blob container the facility uploads raw data to (the pipeline only reads it).')
param rawContainerName string = 'raw'

@description('Blob container the pipeline writes results to.')
param resultsContainerName string = 'results'

@description('Blob container for blob-created events that Event Grid could not deliver.')
param deadLetterContainerName string = 'deadletter'

param seriesTableName string = 'series'
param runsTableName string = 'runs'
param chunksTableName string = 'chunks'
param comparisonsTableName string = 'comparisons'

@description('Service Bus topic for "series analysed" and "beamtime report ready" events.')
param serviceBusTopicName string = 'cloudxpcs-events'

@description('Comma-separated public IP ranges (CIDR) allowed to reach storage and Service Bus; empty leaves them open to all networks.')
param allowedIpRanges string = ''

@description('Turn public network access off on storage and Service Bus entirely (needs privateNetworking for the app to reach them).')
param disablePublicNetworkAccess bool = false

@description('Put storage and Service Bus behind private endpoints in a new virtual network that the function app is integrated into; their public endpoints then deny all but allowedIpRanges and trusted Azure services. Service Bus moves to the Premium tier, which private endpoints need.')
param privateNetworking bool = false

@description('Address space of the virtual network that privateNetworking creates.')
param virtualNetworkAddressPrefix string = '10.40.0.0/16'

@description('Client id of an Entra ID app registration: when set, the HTTP API requires an Entra ID token (EasyAuth) in addition to function keys.')
param apiEntraClientId string = ''

var ipRangeList = empty(allowedIpRanges) ? [] : split(replace(allowedIpRanges, ' ', ''), ',')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'deploy-${resourceToken}'
var names = {
  identity: 'id-${resourceToken}'
  storage: 'st${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  serviceBus: 'sb-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  systemTopic: 'evgt-${resourceToken}'
  virtualNetwork: 'vnet-${resourceToken}'
}

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    name: names.storage
    location: location
    tags: tags
    rawContainerName: rawContainerName
    resultsContainerName: resultsContainerName
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    allowedIpRangeList: ipRangeList
    disablePublicNetworkAccess: disablePublicNetworkAccess
    denyPublicByDefault: privateNetworking
    tableNames: [
      seriesTableName
      runsTableName
      chunksTableName
      comparisonsTableName
    ]
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: resourceGroup
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    topicName: serviceBusTopicName
    allowedIpRangeList: ipRangeList
    disablePublicNetworkAccess: disablePublicNetworkAccess
    privateEndpoints: privateNetworking
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: resourceGroup
  params: {
    namePrefix: resourceToken
    virtualNetworkName: names.virtualNetwork
    location: location
    tags: tags
    addressPrefix: virtualNetworkAddressPrefix
    storageAccountId: storage.outputs.id
    serviceBusNamespaceId: serviceBus.outputs.id
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    serviceBusNamespaceName: names.serviceBus
    serviceBusTopicName: serviceBusTopicName
    applicationInsightsName: names.applicationInsights
    rawContainerName: rawContainerName
  }
  dependsOn: [
    identity
    storage
    serviceBus
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: resourceGroup
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopicName: serviceBus.outputs.topicName
    rawContainerName: rawContainerName
    resultsContainerName: resultsContainerName
    apiEntraClientId: apiEntraClientId
    appSubnetId: privateNetworking
      ? resourceId(
          subscription().subscriptionId,
          resourceGroup.name,
          'Microsoft.Network/virtualNetworks/subnets',
          names.virtualNetwork,
          'app'
        )
      : ''
    seriesTableName: seriesTableName
    runsTableName: runsTableName
    chunksTableName: chunksTableName
    comparisonsTableName: comparisonsTableName
  }
  // The host must be able to reach its storage as soon as it starts (through the private network when there is one).
  dependsOn: [
    rbac
    network
  ]
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: resourceGroup
  params: {
    name: names.systemTopic
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
    identityId: identity.outputs.id
  }
}

// azd stores these in the environment (.azure/<env>/.env) and hands them to hooks; none is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_SERVICEBUS_TOPIC string = serviceBus.outputs.topicName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_NAME string = identity.outputs.name
output CLOUDXPCS_RAW_CONTAINER string = rawContainerName
output CLOUDXPCS_DEADLETTER_CONTAINER string = deadLetterContainerName
