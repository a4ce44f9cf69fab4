// Private networking (main.bicep's privateNetworking): a virtual network with one subnet the function app's outbound
// traffic is integrated into (delegated to Microsoft.App/environments, as Flex Consumption requires) and one for
// private endpoints; private endpoints for the storage account's blob, queue and table services and for the
// Service Bus namespace, each registered in its privatelink DNS zone linked to the network. The app then reaches
// storage and Service Bus over private addresses only; their public endpoints keep only the IP allowlist and
// trusted Azure services (Event Grid's dead-lettering).
import { stringMap } from 'types.bicep'

param namePrefix string

@description('Name of the virtual network; its subnet \'app\' is the one main.bicep hands to the function app.')
param virtualNetworkName string
param location string
param tags stringMap
param storageAccountId string
param serviceBusNamespaceId string

@description('Address space of the virtual network (two /24 subnets are carved from its first 512 addresses).')
param addressPrefix string = '10.40.0.0/16'

var appSubnetPrefix = cidrSubnet(addressPrefix, 24, 0)
var endpointSubnetPrefix = cidrSubnet(addressPrefix, 24, 1)

// One private endpoint per service: group id and the DNS zone that resolves it.
var endpoints = [
  { name: 'blob', groupId: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { name: 'queue', groupId: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { name: 'table', groupId: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  { name: 'servicebus', groupId: 'namespace', zone: 'privatelink.servicebus.windows.net' }
]

resource network 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: 'endpoints'
        properties: {
          addressPrefix: endpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: virtualNetworkName
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: network.id
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2026-03-01' = [
  for endpoint in endpoints: {
    name: 'pe-${endpoint.name}-${namePrefix}'
    location: location
    tags: tags
    properties: {
      subnet: {
        id: network.properties.subnets[1].id
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.groupId == 'namespace' ? serviceBusNamespaceId : storageAccountId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource dnsGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.name
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]
