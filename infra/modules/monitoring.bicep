// Log Analytics and workspace-based Application Insights. Local (instrumentation-key) authentication is
// disabled, so telemetry is accepted only from Entra ID identities holding Monitoring Metrics Publisher.
import { stringMap } from 'types.bicep'

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags stringMap

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
// The connection string names the ingestion endpoint and resource; with local auth disabled it grants nothing
// by itself (ingestion also needs an Entra ID token).
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
