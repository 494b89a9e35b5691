// The storage account: Functions host storage (blob leases, timer status, function keys), the deployment package
// container, and the app's tables and queues. Only Entra ID (RBAC) access: shared keys and SAS signed with them are
// refused, no anonymous blob access, HTTPS with TLS 1.2 or later.
//
// Every role the app identity holds here is scoped to the single container, table or queue it uses, so the identity
// cannot read or write anything else that may later be placed in this account.

@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the storage account.')
param tags object

@description('Replication of the account. Zone-redundant by default: the tables are the trial\'s source of truth.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param skuName string

@description('Blob container the Flex Consumption plan deploys the app package from.')
param deploymentContainerName string

@description('Tables the app reads and writes.')
param tableNames string[]

@description('Queues the app uses. Each also gets its "-poison" twin, where the host moves messages that failed 5 times.')
param queueNames string[]

@description('Principal id of the app\'s user-assigned identity.')
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

@description('Log Analytics workspace receiving the storage access logs.')
param logAnalyticsWorkspaceId string

@description('Put a CanNotDelete lock on the account so the trial data cannot be deleted with the resource group.')
param enableDeleteLock bool

// Containers the Functions host itself uses with identity-based AzureWebJobsStorage: blob leases for the singleton
// timer and primary-host election, timer schedule status (azure-webjobs-hosts) and the function keys
// (azure-webjobs-secrets). They are declared here so that the host's role can be scoped to them.
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]
var appContainerNames = concat([deploymentContainerName], hostContainerNames)
var allQueueNames = flatten(map(queueNames, queue => [queue, '${queue}-poison']))

// Built-in roles.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    // Flex Consumption without VNet integration reaches storage over its public endpoint; access is still
    // Entra ID only. Private endpoints are the next hardening step (docs/deploy.md).
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for container in appContainerNames: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = [
  for queue in allQueueNames: {
    parent: queueService
    name: queue
  }
]

// --- Roles of the app identity, one per container, table and queue it uses --------------------------------------

// Owner (not Contributor) because the host takes and breaks blob leases and the platform writes the app package.
resource appBlobRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (container, i) in appContainerNames: {
    name: guid(containers[i].id, appPrincipalId, storageBlobDataOwner)
    scope: containers[i]
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    }
  }
]

resource appTableRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (table, i) in tableNames: {
    name: guid(tables[i].id, appPrincipalId, storageTableDataContributor)
    scope: tables[i]
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    }
  }
]

resource appQueueRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queue, i) in allQueueNames: {
    name: guid(queues[i].id, appPrincipalId, storageQueueDataContributor)
    scope: queues[i]
    properties: {
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    }
  }
]

// --- Optional developer roles (local debugging against a development environment; never in production) ----------

resource developerTableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(storage.id, developerPrincipalId, storageTableDataContributor)
  scope: storage
  properties: {
    principalId: developerPrincipalId
    principalType: developerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

resource developerQueueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(storage.id, developerPrincipalId, storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: developerPrincipalId
    principalType: developerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}

// --- Access logs and protection ----------------------------------------------------------------------------------

// Every read, write and delete of trial data (tables) is logged; for blobs and queues only writes and deletes
// (host polling and lease renewal would otherwise flood the workspace).
// 2021-05-01-preview is the newest diagnosticSettings version; the only GA one (2016-09-01) is ten years older.
#disable-next-line use-recent-api-versions
resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'StorageRead', enabled: true }
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
  }
}

#disable-next-line use-recent-api-versions
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
  }
}

#disable-next-line use-recent-api-versions
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'StorageWrite', enabled: true }
      { category: 'StorageDelete', enabled: true }
    ]
  }
}

resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'protect-trial-data'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the NATARS trial\'s source-of-truth tables. Remove only under the data-management plan.'
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
