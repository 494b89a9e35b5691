// Log Analytics workspace and workspace-based Application Insights with local (instrumentation key) authentication
// disabled: telemetry is accepted only with an Entra ID token, so the connection string alone cannot be used to
// write into (or pollute) the trial's operational logs.

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Azure region.')
param location string

@description('Tags for the monitoring resources.')
param tags object

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Principal id of the app identity that publishes telemetry.')
param appPrincipalId string

@description('E-mail addresses of the on-call rota the alerts notify; empty creates the rules without notification (visible in the portal).')
param alertEmailAddresses string[] = []

@description('Name of the action group the alerts notify.')
param actionGroupName string

// Built-in role: Monitoring Metrics Publisher (the role Application Insights requires for Entra ID ingestion).
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
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
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

output logAnalyticsWorkspaceId string = logAnalytics.id
output applicationInsightsName string = applicationInsights.name
output connectionString string = applicationInsights.properties.ConnectionString

// --- Alerts (docs/operations.md, "Alerts") ------------------------------------------------------------------------
// Log search alerts on the workspace, where the app's telemetry lands (AppTraces, AppRequests) through the
// workspace-based component. The worker writes each log event's EventId and EventName into Properties; the ids are
// stable (functions/Diagnostics/LogEvents.cs). Every rule notifies the action group when addresses are given.

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddresses)) {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'natars-ops'
    enabled: true
    emailReceivers: [
      for (address, i) in alertEmailAddresses: {
        name: 'on-call-${i}'
        emailAddress: address
        useCommonAlertSchema: true
      }
    ]
  }
}

// Shared prefix: the app's log events with their id as a number.
var events = 'AppTraces | extend EventId = toint(Properties.EventId)'

var alerts = [
  {
    name: 'poison-message'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    threshold: 0
    displayName: 'NATARS: message poisoned'
    description: 'A queue message failed 5 times and reached a -poison queue (PoisonMessage 5010, QueueMessagePoisoned 5002) or could not be archived (PoisonMessageArchiveFailed 5011). A schedule rebuild or a coordinator notification did not happen. Runbook: docs/operations.md, "Poison messages".'
    query: '${events} | where EventId in (5002, 5010, 5011)'
  }
  {
    name: 'http-5xx-rate'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    threshold: 0
    displayName: 'NATARS: HTTP 5xx above 1 %'
    description: 'More than 1 % of HTTP requests answered 5xx over 15 minutes (at least 20 requests). 503 means storage, a queue or the token authority is unreachable; 500 an unexpected failure (UnhandledException 2001). Runbook: docs/operations.md, "5xx rate".'
    query: 'AppRequests | where isnotempty(Url) | summarize Total = count(), Failed = countif(toint(ResultCode) >= 500) | extend Rate = 100.0 * Failed / Total | where Total >= 20 and Rate > 1.0'
  }
  {
    name: 'reminder-release-lag'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    threshold: 0
    displayName: 'NATARS: reminders released more than 10 minutes late'
    description: 'A reminder was released more than 10 minutes after it fell due (ReminderReleased 7102), or the release timer failed (TimerFailed 6002, ReminderReleaseFailed 7104). Coordinators get visit reminders late. Runbook: docs/operations.md, "Reminder release lag".'
    query: '${events} | where EventId in (6002, 7104) or (EventId == 7102 and TimeGenerated - todatetime(Properties.DueAt) > 10m)'
  }
  {
    name: 'allocation-contention'
    severity: 2
    frequency: 'PT5M'
    window: 'PT15M'
    threshold: 0
    displayName: 'NATARS: allocation contention'
    description: 'An allocation gave up after its contended attempts and answered 503 (AllocationContended 7213), or 5 or more allocations needed a retry in 15 minutes (AllocationCommitted 7210 with Attempt > 1). Runbook: docs/operations.md, "Allocation contention".'
    query: '${events} | where EventId == 7213 or (EventId == 7210 and toint(Properties.Attempt) > 1) | summarize GaveUp = countif(EventId == 7213), Retried = countif(EventId == 7210) | where GaveUp > 0 or Retried >= 5'
  }
  {
    name: 'sae-escalation'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    threshold: 0
    displayName: 'NATARS: SAE report overdue, escalation sent'
    description: 'A serious adverse event\'s report to the sponsor is overdue and the escalation went out (SaeReportEscalated 7512). A regulatory clock has been missed: inform the trial manager now. Runbook: docs/operations.md, "SAE escalations".'
    query: '${events} | where EventId == 7512'
  }
  {
    name: 'audit-append-contention'
    severity: 3
    frequency: 'PT15M'
    window: 'PT15M'
    threshold: 50
    displayName: 'NATARS: audit trail append contention'
    description: 'More than 50 contended audit appends in 15 minutes (AuditAppendContended 9001): writes are queuing behind the single audit partition and requests slow down. Runbook: docs/operations.md, "Audit append contention".'
    query: '${events} | where EventId == 9001'
  }
  {
    name: 'health-degraded'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    threshold: 0
    displayName: 'NATARS: health degraded'
    description: 'GET /api/health found a table or queue unreachable (HealthDegraded 1002). Runbook: docs/operations.md, "Health degraded".'
    query: '${events} | where EventId == 1002'
  }
  {
    name: 'access-control-failure'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    threshold: 0
    displayName: 'NATARS: sign-in or allocation configuration failing'
    description: 'Tokens cannot be validated (AuthenticationUnavailable 8003), a route has no access rule (AccessRuleMissing 8002), a handler skipped its site check (SiteCheckMissing 8004), or the allocation seed is unavailable (AllocationSeedUnavailable 7216). Requests are refused. Runbook: docs/operations.md, "Access control and seed".'
    query: '${events} | where EventId in (7216, 8002, 8003, 8004)'
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in alerts: {
    name: 'alert-${alert.name}-${logAnalyticsName}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: alert.displayName
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        logAnalytics.id
      ]
      evaluationFrequency: alert.frequency
      windowSize: alert.window
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: empty(alertEmailAddresses) ? [] : [actionGroup.id]
      }
    }
  }
]

output alertRuleNames string[] = [for (alert, i) in alerts: alertRules[i].name]

@description('The action group the alerts notify; empty when no address was given.')
output actionGroupId string = empty(alertEmailAddresses) ? '' : actionGroup.id
