// Outbound channel for coordinator notifications: a Service Bus topic with one subscription per site, each
// receiving only the messages whose application property siteId is that site. Local (SAS key) authentication is
// disabled: senders and receivers authenticate with Entra ID, and a site's downstream system is granted
// Azure Service Bus Data Receiver on its own subscription only.

@description('Name of the Service Bus namespace.')
param name string

@description('Azure region.')
param location string

@description('Tags for the namespace.')
param tags object

@description('Name of the topic the app publishes coordinator notifications to.')
param topicName string

@description('Site ids (protocol.md section 1); one subscription each, filtered on the siteId application property.')
param sites string[]

@description('Principal id of the app\'s user-assigned identity (sender).')
param appPrincipalId string

@description('Optional principal id of a developer (local debugging); empty for none.')
param developerPrincipalId string

@description('Kind of principal developerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string

@description('Log Analytics workspace receiving the namespace\'s operational logs.')
param logAnalyticsWorkspaceId string

// Built-in roles.
var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard' // topics and subscriptions need Standard or Premium
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    // The app sets message id = notification id, so a notification re-sent after an at-least-once redelivery of
    // its queue message is dropped here instead of reaching the site twice.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    defaultMessageTimeToLive: 'P14D'
    enablePartitioning: false
  }
}

resource siteSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = [
  for site in sites: {
    parent: topic
    name: site
    properties: {
      lockDuration: 'PT1M'
      maxDeliveryCount: 10
      defaultMessageTimeToLive: 'P14D'
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
    }
  }
]

// Every subscription is created with a "$Default" rule whose filter is TRUE (all messages). Writing the site filter
// into "$Default" itself replaces that catch-all, so no site ever receives another site's notifications, not even
// between the creation of the subscription and of a second rule.
resource siteFilters 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2026-01-01' = [
  for (site, i) in sites: {
    parent: siteSubscriptions[i]
    name: '$Default'
    properties: {
      filterType: 'SqlFilter'
      sqlFilter: {
        sqlExpression: 'siteId = \'${site}\''
      }
    }
  }
]

resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appPrincipalId, serviceBusDataSender)
  scope: topic
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
  }
}

resource developerSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(topic.id, developerPrincipalId, serviceBusDataSender)
  scope: topic
  properties: {
    principalId: developerPrincipalId
    principalType: developerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
  }
}

resource developerReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(topic.id, developerPrincipalId, serviceBusDataReceiver)
  scope: topic
  properties: {
    principalId: developerPrincipalId
    principalType: developerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version; the only GA one (2016-09-01) is ten years older.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      // Management operations on the namespace and its entities. (RuntimeAuditLogs, the per-message data-plane
      // audit, exists only in the Premium tier.)
      { category: 'OperationalLogs', enabled: true }
    ]
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = parseUri(namespace.properties.serviceBusEndpoint).host
output topicName string = topic.name
