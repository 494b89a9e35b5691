// Key Vault for the allocation seed (protocol.md section 4). RBAC authorization only (no access policies), soft
// delete with purge protection, so neither a deleted secret nor the vault can be purged before the retention ends.
//
// The seed secret is written by this template only when a seed is passed in, which is meant for throwaway test
// environments. In production the secret is created out of band (docs/deploy.md) so it never passes through a
// deployment, a pipeline or azd's environment files.

@description('Name of the Key Vault (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the vault.')
param tags object

@description('Public network access to the vault. "Disabled" needs private networking for the app, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string

@description('Name of the secret holding the allocation seed.')
param allocationSeedSecretName string

@description('Allocation seed (base64 of 32 random bytes), written only when createSeedSecret is true.')
@secure()
param allocationSeed string

@description('Write allocationSeed as the seed secret (test environments); false: the secret is created out of band.')
param createSeedSecret bool

@description('Version of an out-of-band seed secret to pin the app to; empty reads the current version.')
param allocationSeedSecretVersion string

@description('Principal id of the app\'s user-assigned identity (reads the seed).')
param appPrincipalId string

@description('Log Analytics workspace receiving the vault\'s audit log (every read of the seed).')
param logAnalyticsWorkspaceId string

// Built-in role: Key Vault Secrets User (get secret values, nothing else).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

resource seedSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (createSeedSecret) {
  parent: vault
  name: allocationSeedSecretName
  properties: {
    value: allocationSeed
    contentType: 'application/vnd.natars.allocation-seed; encoding=base64'
    attributes: {
      enabled: true
    }
  }
}

// Scoped to the vault, not the secret: in production the secret does not exist yet when this template first runs.
// The vault is dedicated to this app and holds nothing but the seed.
resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version; the only GA one (2016-09-01) is ten years older.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AuditEvent', enabled: true }
    ]
  }
}

output name string = vault.name
var seedSecretBaseUri = '${vault.properties.vaultUri}secrets/${allocationSeedSecretName}'
// Pinned to a version whenever one is known, so that a second version of the secret, written by mistake, does not
// silently change the concealed allocation sequence (docs/deploy.md, "Seed handling"). Versionless only until the
// out-of-band secret's version is recorded.
output allocationSeedSecretUri string = createSeedSecret
  ? seedSecret!.properties.secretUriWithVersion
  : (empty(allocationSeedSecretVersion) ? seedSecretBaseUri : '${seedSecretBaseUri}/${allocationSeedSecretVersion}')
