using Microsoft.Extensions.Logging;

namespace RpsServerless.Functions.Diagnostics;

/// <summary>
/// Every log event of the app that operations may alert or search on, with a stable id. Ids are grouped by area:
/// 1xxx storage, 2xxx HTTP, 3xxx idempotency, 4xxx messaging, 5xxx queue host, 6xxx timer host, 7xxx workflows,
/// 8xxx access control, 9xxx audit trail. An id, once released, keeps its meaning: alerts and saved queries
/// (docs/operations.md) select on it. Never reuse or renumber one; retire it by leaving it unused. A test checks
/// that ids and names are unique.
/// Never log request bodies or clinical free text: ids, counts, statuses only.
/// </summary>
public static class LogEvents
{
    // 1xxx: storage reachability and provisioning; health.
    public static readonly EventId StorageProvisioned = new(1000, nameof(StorageProvisioned));
    public static readonly EventId StorageUnavailable = new(1001, nameof(StorageUnavailable));
    public static readonly EventId HealthDegraded = new(1002, nameof(HealthDegraded));

    // 2xxx: HTTP requests refused before or after the workflow (size, media type, unexpected failures).
    public static readonly EventId RequestRejected = new(2000, nameof(RequestRejected));
    public static readonly EventId UnhandledException = new(2001, nameof(UnhandledException));
    public static readonly EventId RequestAborted = new(2002, nameof(RequestAborted));

    // 3xxx: Idempotency-Key handling of POSTs.
    public static readonly EventId IdempotentReplay = new(3000, nameof(IdempotentReplay));
    public static readonly EventId IdempotencyKeyReused = new(3001, nameof(IdempotencyKeyReused));
    public static readonly EventId IdempotencyInProgress = new(3002, nameof(IdempotencyInProgress));
    public static readonly EventId IdempotencyReleaseFailed = new(3003, nameof(IdempotencyReleaseFailed));
    public static readonly EventId IdempotencyResponseNotStored = new(3004, nameof(IdempotencyResponseNotStored));
    public static readonly EventId IdempotencyRecordsPurged = new(3005, nameof(IdempotencyRecordsPurged));

    // 4xxx: messages sent and notifications delivered (inbox, storage queue, Service Bus).
    public static readonly EventId NotificationSent = new(4000, nameof(NotificationSent));
    public static readonly EventId NotificationSendFailed = new(4001, nameof(NotificationSendFailed));
    public static readonly EventId QueueMessageSent = new(4002, nameof(QueueMessageSent));
    public static readonly EventId NotificationStored = new(4003, nameof(NotificationStored));
    public static readonly EventId NotificationDelivered = new(4004, nameof(NotificationDelivered));
    public static readonly EventId NotificationAlreadyDelivered = new(4005, nameof(NotificationAlreadyDelivered));

    // 5xxx: queue triggers: messages handled, failed, rejected, poisoned (50xx), and the poison-queue handler (501x).
    public static readonly EventId QueueMessageHandled = new(5000, nameof(QueueMessageHandled));
    public static readonly EventId QueueMessageFailed = new(5001, nameof(QueueMessageFailed));
    public static readonly EventId QueueMessagePoisoned = new(5002, nameof(QueueMessagePoisoned));
    public static readonly EventId QueuePumpFailed = new(5003, nameof(QueuePumpFailed));
    /// <summary>A message no retry can fix (not JSON, wrong shape, unknown participant): it will end in the poison queue.</summary>
    public static readonly EventId QueueMessageRejected = new(5004, nameof(QueueMessageRejected));

    /// <summary>A message reached a <c>-poison</c> queue and was archived (table <c>PoisonMessages</c>): needs a person.</summary>
    public static readonly EventId PoisonMessage = new(5010, nameof(PoisonMessage));
    /// <summary>A poison message could not be archived (storage): it stays on the poison queue and is retried.</summary>
    public static readonly EventId PoisonMessageArchiveFailed = new(5011, nameof(PoisonMessageArchiveFailed));
    /// <summary>A poison message delivered again after it was archived (at-least-once delivery): nothing to do.</summary>
    public static readonly EventId PoisonMessageAlreadyArchived = new(5012, nameof(PoisonMessageAlreadyArchived));

    // 6xxx: timer triggers.
    public static readonly EventId TimerFired = new(6000, nameof(TimerFired));
    public static readonly EventId TimerPastDue = new(6001, nameof(TimerPastDue));
    public static readonly EventId TimerFailed = new(6002, nameof(TimerFailed));

    // 70xx: schedules and visits.
    public static readonly EventId ScheduleRebuilt = new(7000, nameof(ScheduleRebuilt));
    public static readonly EventId ScheduleUnchanged = new(7001, nameof(ScheduleUnchanged));
    public static readonly EventId ScheduleVersionConflict = new(7002, nameof(ScheduleVersionConflict));
    public static readonly EventId VisitRecorded = new(7003, nameof(VisitRecorded));
    public static readonly EventId ParticipantStatusRecorded = new(7004, nameof(ParticipantStatusRecorded));

    // 71xx: reminders and their release by the timer.
    public static readonly EventId ReminderScheduled = new(7100, nameof(ReminderScheduled));
    public static readonly EventId ReminderCancelled = new(7101, nameof(ReminderCancelled));
    public static readonly EventId ReminderReleased = new(7102, nameof(ReminderReleased));
    /// <summary>Another timer run or a rebuild changed the reminder between its read and its release: its message may be a duplicate.</summary>
    public static readonly EventId ReminderReleaseRaced = new(7103, nameof(ReminderReleaseRaced));
    public static readonly EventId ReminderReleaseFailed = new(7104, nameof(ReminderReleaseFailed));
    public static readonly EventId RemindersReleased = new(7105, nameof(RemindersReleased));

    // 72xx: screening and allocation workflows.
    public static readonly EventId ScreeningSubmitted = new(7200, nameof(ScreeningSubmitted));
    public static readonly EventId ScreeningInvalid = new(7201, nameof(ScreeningInvalid));
    public static readonly EventId AllocationCommitted = new(7210, nameof(AllocationCommitted));
    public static readonly EventId AllocationReturned = new(7211, nameof(AllocationReturned));
    public static readonly EventId AllocationStateChanged = new(7212, nameof(AllocationStateChanged));
    public static readonly EventId AllocationContended = new(7213, nameof(AllocationContended));
    public static readonly EventId AllocationNotEligible = new(7214, nameof(AllocationNotEligible));
    public static readonly EventId AllocationRejected = new(7215, nameof(AllocationRejected));
    public static readonly EventId AllocationSeedUnavailable = new(7216, nameof(AllocationSeedUnavailable));
    public static readonly EventId AllocationDevelopmentSeed = new(7217, nameof(AllocationDevelopmentSeed));
    public static readonly EventId AllocationFollowUpCompleted = new(7220, nameof(AllocationFollowUpCompleted));
    public static readonly EventId AllocationFollowUpDeferred = new(7221, nameof(AllocationFollowUpDeferred));
    public static readonly EventId AllocationSweep = new(7222, nameof(AllocationSweep));

    // 75xx: outcomes (assessments, adverse events and the SAE clock, final pathology) and the exports.
    public static readonly EventId AssessmentRecorded = new(7500, nameof(AssessmentRecorded));
    public static readonly EventId AdverseEventRecorded = new(7501, nameof(AdverseEventRecorded));
    public static readonly EventId AdverseEventVersionRecorded = new(7502, nameof(AdverseEventVersionRecorded));
    public static readonly EventId OutcomeRejected = new(7503, nameof(OutcomeRejected));
    public static readonly EventId SaeClockStarted = new(7510, nameof(SaeClockStarted));
    public static readonly EventId SaeReportDueNotified = new(7511, nameof(SaeReportDueNotified));
    public static readonly EventId SaeReportEscalated = new(7512, nameof(SaeReportEscalated));
    public static readonly EventId SaeClockClosed = new(7513, nameof(SaeClockClosed));
    public static readonly EventId SaeNotificationDeferred = new(7514, nameof(SaeNotificationDeferred));
    public static readonly EventId SaeAlarmDiscarded = new(7515, nameof(SaeAlarmDiscarded));
    public static readonly EventId SaeAlarmsChecked = new(7516, nameof(SaeAlarmsChecked));
    public static readonly EventId PathologyRecorded = new(7520, nameof(PathologyRecorded));
    public static readonly EventId ExcludedAfterAllocation = new(7521, nameof(ExcludedAfterAllocation));
    public static readonly EventId FhirExported = new(7530, nameof(FhirExported));
    public static readonly EventId CalendarExported = new(7531, nameof(CalendarExported));

    // 76xx: reports and analysis exports of a data cut.
    public static readonly EventId DataCutLoaded = new(7600, nameof(DataCutLoaded));
    public static readonly EventId ReportServed = new(7601, nameof(ReportServed));
    public static readonly EventId AdtteExported = new(7602, nameof(AdtteExported));

    // 8xxx: authentication (401, 503) and authorization (403/404) of callers.
    public static readonly EventId AuthenticationFailed = new(8000, nameof(AuthenticationFailed));
    public static readonly EventId AccessDenied = new(8001, nameof(AccessDenied));
    public static readonly EventId AccessRuleMissing = new(8002, nameof(AccessRuleMissing));
    public static readonly EventId AuthenticationUnavailable = new(8003, nameof(AuthenticationUnavailable));
    public static readonly EventId SiteCheckMissing = new(8004, nameof(SiteCheckMissing));

    // 9xxx: the hash-chained audit trail.
    public static readonly EventId AuditRecorded = new(9000, nameof(AuditRecorded));
    public static readonly EventId AuditAppendContended = new(9001, nameof(AuditAppendContended));
    public static readonly EventId AuditAlreadyRecorded = new(9002, nameof(AuditAlreadyRecorded));
    public static readonly EventId AuditExported = new(9003, nameof(AuditExported));
}
