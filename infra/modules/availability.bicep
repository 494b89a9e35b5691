// Availability of the app from outside: an Application Insights standard test calls GET /api/health (anonymous; it
// reads every table and queue the app needs and answers 503 when one is unreachable) every 5 minutes from three
// regions near the sites, and a metric alert fires when two of them fail. These calls are also what makes the
// health-degraded log alert (monitoring.bicep) able to fire at all.

@description('Name of the standard availability test.')
param name string

@description('Name of the metric alert on the test.')
param alertName string

@description('Azure region of the test resource (the regions it runs from are listed below).')
param location string

@description('Tags for the test and its alert.')
param tags object

@description('Name of the Application Insights component the results go to.')
param applicationInsightsName string

@description('The app\'s base address, https://<host>, without a trailing slash.')
param appUri string

@description('Action group the alert notifies; empty: the alert shows in the portal only.')
param actionGroupId string = ''

// Where the test runs from: East Asia (Hong Kong), Southeast Asia (Singapore), Japan East.
var testLocations = [
  'apac-hk-hkn-azr'
  'apac-sg-sin-azr'
  'apac-jp-kaw-edge'
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: name
  location: location
  // The portal shows a test under its component only with this tag.
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: name
    Name: 'NATARS API health'
    Description: 'GET /api/health: 200 when every table and queue is reachable, 503 otherwise. Runbook: docs/operations.md, "Health degraded".'
    Enabled: true
    Kind: 'standard'
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [for id in testLocations: { Id: id }]
    Request: {
      RequestUrl: '${appUri}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource availabilityAlert 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: alertName
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from 2 of 3 test locations: the app is down, unreachable, or cannot reach its storage. Runbook: docs/operations.md, "Health degraded".'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: empty(actionGroupId) ? [] : [
      {
        actionGroupId: actionGroupId
      }
    ]
  }
}

output testName string = healthTest.name
