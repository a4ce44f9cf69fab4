// Service Bus topic for "series analysed" and "beamtime report ready" events. SAS (local) auth is disabled.
import { stringMap } from 'types.bicep'

param name string
param location string
param tags stringMap
param topicName string

@description('Public IP ranges (CIDR) allowed; empty leaves the namespace open to all networks.')
param allowedIpRangeList string[] = []

param disablePublicNetworkAccess bool = false

@description('Reached through a private endpoint (modules/network.bicep): Premium tier, and public traffic denied but for allowedIpRangeList and trusted services.')
param privateEndpoints bool = false

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: privateEndpoints
    ? {
        name: 'Premium'
        tier: 'Premium'
        capacity: 1
      }
    : {
        name: 'Standard'
        tier: 'Standard'
      }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: disablePublicNetworkAccess ? 'Disabled' : 'Enabled'
  }
}

resource networkRules 'Microsoft.ServiceBus/namespaces/networkRuleSets@2026-01-01' = if (!empty(allowedIpRangeList) || privateEndpoints) {
  parent: namespace
  name: 'default'
  properties: {
    defaultAction: 'Deny'
    publicNetworkAccess: disablePublicNetworkAccess ? 'Disabled' : 'Enabled'
    trustedServiceAccessEnabled: true
    ipRules: [for range in allowedIpRangeList: { ipMask: range, action: 'Allow' }]
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    defaultMessageTimeToLive: 'P14D'
    requiresDuplicateDetection: false
  }
}

output id string = namespace.id
output namespaceName string = namespace.name
// serviceBusEndpoint is https://{host}:443/ ; the SDK setting wants the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output topicName string = topic.name
