// The Function App on the Flex Consumption plan (FC1), running as its user-assigned identity. Every connection in
// its app settings is identity-based: there is no storage key, Service Bus key, instrumentation key or seed value
// among them. The seed is a Key Vault reference the platform resolves with the same identity.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan.')
param tags object

@description('Tags for the Function App (the plan\'s plus azd-service-name, which azd uses to find the app to deploy).')
param appTags object

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Name of the storage account used as host storage and for tables and queues.')
param storageAccountName string

@description('Primary blob endpoint of the storage account.')
param blobEndpoint string

@description('Primary queue endpoint of the storage account.')
param queueEndpoint string

@description('Primary table endpoint of the storage account.')
param tableEndpoint string

@description('Blob container the app package is deployed to.')
param deploymentContainerName string

@description('Application Insights connection string (an identifier, not a credential: local auth is disabled).')
param applicationInsightsConnectionString string

@description('Fully qualified Service Bus namespace, e.g. sb-x.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Key Vault secret URI of the allocation seed.')
param allocationSeedSecretUri string

@description('Entra ID authority the app validates bearer tokens against.')
param authAuthority string

@description('Audience the app requires in bearer tokens (the API app registration\'s client id).')
param authAudience string

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound of instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Instances kept warm for HTTP functions (0: scale to zero, with cold starts).')
@minValue(0)
param alwaysReadyHttpInstanceCount int

@description('Log Analytics workspace receiving the platform\'s function logs.')
param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: appTags
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
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyHttpInstanceCount > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstanceCount
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Flex Consumption takes the runtime from functionAppConfig: FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION
  // and the WEBSITE_CONTENT* settings are not allowed here.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Host storage and the app's tables and queues, through the user-assigned identity.
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // Service URIs from the account itself: the host would otherwise derive them from accountName with the public
      // cloud's suffix.
      AzureWebJobsStorage__blobServiceUri: blobEndpoint
      AzureWebJobsStorage__queueServiceUri: queueEndpoint
      AzureWebJobsStorage__tableServiceUri: tableEndpoint

      // The identity DefaultAzureCredential/ManagedIdentityCredential picks in the SDK clients the app creates.
      AZURE_CLIENT_ID: identityClientId

      // Telemetry with Entra ID ingestion (the component refuses instrumentation-key-only ingestion).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'

      // Outbound coordinator notifications: the names ServiceBusSettings reads (functions/Messaging), the topic is
      // the app's constant coordinator-notifications, which the servicebus module creates under the same name.
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId

      // The allocation seed, resolved by the platform from Key Vault with keyVaultReferenceIdentity.
      Allocation__Seed: '@Microsoft.KeyVault(SecretUri=${allocationSeedSecretUri})'

      // Entra ID bearer-token validation done by the app (function keys remain a second gate).
      Auth__Authority: authAuthority
      Auth__Audience: authAudience
    }
  }
}

// No FTP and no basic-auth (publishing profile) access to the deployment endpoint: azd and the Azure CLI deploy
// with Entra ID tokens.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version; the only GA one (2016-09-01) is ten years older.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'FunctionAppLogs', enabled: true }
    ]
  }
}

output name string = app.name
output uri string = 'https://${app.properties.defaultHostName}'
