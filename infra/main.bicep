// RpsServerless, the serverless backend of NATARS (NCT05844813), for `azd up`: a Flex Consumption Function App
// running as a user-assigned managed identity, with identity-only access to Storage (host storage, tables, queues),
// Service Bus (coordinator notifications per site), Key Vault (the allocation seed) and Application Insights.
// No keys or connection strings are created, passed or stored. See docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and of the tags.')
param environmentName string

@minLength(1)
@description('Azure region for all resources. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Name of the resource group; empty for rg-<environmentName>.')
param resourceGroupName string = ''

@description('Site ids (protocol.md section 1); each gets its own Service Bus subscription.')
@minLength(1)
param sites string[] = [
  'PKUIH'
  'BFH'
  'XJTU1'
  'PKUFH'
  'FUSCC'
  'ZSH'
  'QDUAH'
]

@description('Audience the app requires in Entra ID bearer tokens: the API app registration\'s application (client) id, which is the aud of v2.0 access tokens.')
@minLength(1)
param authAudience string

@description('Entra ID authority (issuer base) for token validation; empty for this tenant\'s v2.0 endpoint.')
param authAuthority string = ''

@description('Allocation seed (base64 of 32 random bytes). Leave empty in production: the secret is created out of band (docs/deploy.md). Only for throwaway test environments.')
@secure()
param allocationSeed string = ''

@description('Name of the Key Vault secret holding the allocation seed.')
param allocationSeedSecretName string = 'allocation-seed'

@description('Version of the out-of-band seed secret to pin the app to (recorded at go-live); empty reads the current version.')
param allocationSeedSecretVersion string = ''

@description('Public network access to the Key Vault. "Disabled" requires private networking for the app, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Replication of the storage account that holds the trial tables.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSkuName string = 'Standard_ZRS'

@description('Put a CanNotDelete lock on the storage account (trial data). Turn off only for throwaway environments.')
param enableDeleteLocks bool = true

@description('Days Log Analytics keeps logs, including the storage and Key Vault access logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 365

@description('E-mail addresses the operational alerts notify (docs/operations.md); empty creates the alert rules without notification.')
param alertEmailAddresses string[] = []

@description('Memory per Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound of Function App instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Instances kept warm for HTTP functions (0: scale to zero, with cold starts).')
@minValue(0)
param alwaysReadyHttpInstanceCount int = 0

@description('Object id of a developer (or group) to get data-plane roles on tables, queues and the topic for local debugging. Empty (the default) grants nothing. Never set it for a production environment. It never grants access to the seed.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  project: 'NATARS'
  'trial-registration': 'NCT05844813'
}

// What the app uses (architecture.md of the shared spec): tables, queues (each with its -poison twin), the topic.
var tableNames = [
  'Screenings'
  'Allocations'
  'Visits'
  'Reminders'
  'Notifications'
  'IdempotencyRecords'
  'AuditTrail'
  'SiteVisits'
  'DiseaseAssessments'
  'AdverseEvents'
  'SaeAlarms'
  'FinalPathology'
  'PoisonMessages'
]
var queueNames = [
  'participant-events'
  'notifications'
  'coordinator-notifications'
]
var topicName = 'coordinator-notifications'
var deploymentContainerName = 'app-package'
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var tokenAuthority = empty(authAuthority)
  ? '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
  : authAuthority

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: empty(resourceGroupName) ? '${abbrs.resourcesResourceGroups}${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

// Role assignments are named guid(scope, principalId, roleDefinitionId). The principal id of the identity exists only
// once the identity does, so what-if cannot predict those names before the first deployment; the linter says so
// (what-if-short-circuiting) and is silenced where the principal id is passed. Naming by principal id, not by the
// identity's resource id, keeps a re-created identity from colliding with its predecessor's stale assignments.
module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    retentionInDays: logRetentionInDays
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    alertEmailAddresses: alertEmailAddresses
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    tableNames: tableNames
    queueNames: queueNames
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    enableDeleteLock: enableDeleteLocks
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    topicName: topicName
    sites: sites
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
    developerPrincipalType: principalType
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    publicNetworkAccess: keyVaultPublicNetworkAccess
    allocationSeedSecretName: allocationSeedSecretName
    allocationSeed: allocationSeed
    createSeedSecret: !empty(allocationSeed)
    allocationSeedSecretVersion: allocationSeedSecretVersion
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// Depends on every module above through their outputs, so the identity holds all its roles before the app starts.
module api 'modules/functionapp.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    appTags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    allocationSeedSecretUri: keyVault.outputs.allocationSeedSecretUri
    authAuthority: tokenAuthority
    authAudience: authAudience
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    alwaysReadyHttpInstanceCount: alwaysReadyHttpInstanceCount
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// The app checked from outside every 5 minutes (GET /api/health), with an alert when it fails from 2 of 3 regions.
module availability 'modules/availability.bicep' = {
  name: 'availability'
  scope: rg
  params: {
    name: 'webtest-health-${resourceToken}'
    alertName: 'alert-availability-${resourceToken}'
    location: location
    tags: tags
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}' // the name, not the output: what-if can predict it
    appUri: api.outputs.uri
    actionGroupId: monitoring.outputs.actionGroupId
  }
}

// Outputs azd stores in the environment (.azure/<env>/.env). None of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_URI string = api.outputs.uri
output AZURE_FUNCTION_APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.name
output SERVICEBUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICEBUS_TOPIC_NAME string = serviceBus.outputs.topicName
output KEY_VAULT_NAME string = keyVault.outputs.name
output ALLOCATION_SEED_SECRET_NAME string = allocationSeedSecretName
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
