// The one identity the function app runs as. Every data-plane role in this deployment is granted to it.
import { stringMap } from 'types.bicep'

param name string
param location string
param tags stringMap

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
