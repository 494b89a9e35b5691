using Microsoft.Extensions.Logging;

namespace RpsServerless.Functions.Diagnostics;

/// <summary>
/// Every log event of the app that operations may alert or search on, with a stable id. Ids are grouped by area:
/// 1xxx storage, 2xxx HTTP, 3xxx idempotency, 4xxx messaging, 5xxx queue host, 6xxx timer host, 7xxx workflows.
/// Never log request bodies or clinical free text: ids, counts, statuses only.
/// </summary>
public static class LogEvents
{
    public static readonly EventId StorageProvisioned = new(1000, nameof(StorageProvisioned));
    public static readonly EventId StorageUnavailable = new(1001, nameof(StorageUnavailable));
    public static readonly EventId HealthDegraded = new(1002, nameof(HealthDegraded));

    public static readonly EventId RequestRejected = new(2000, nameof(RequestRejected));
    public static readonly EventId UnhandledException = new(2001, nameof(UnhandledException));
    public static readonly EventId RequestAborted = new(2002, nameof(RequestAborted));

    public static readonly EventId IdempotentReplay = new(3000, nameof(IdempotentReplay));
    public static readonly EventId IdempotencyKeyReused = new(3001, nameof(IdempotencyKeyReused));
    public static readonly EventId IdempotencyInProgress = new(3002, nameof(IdempotencyInProgress));
    public static readonly EventId IdempotencyReleaseFailed = new(3003, nameof(IdempotencyReleaseFailed));
    public static readonly EventId IdempotencyResponseNotStored = new(3004, nameof(IdempotencyResponseNotStored));
    public static readonly EventId IdempotencyRecordsPurged = new(3005, nameof(IdempotencyRecordsPurged));

    public static readonly EventId NotificationSent = new(4000, nameof(NotificationSent));
    public static readonly EventId NotificationSendFailed = new(4001, nameof(NotificationSendFailed));
    public static readonly EventId QueueMessageSent = new(4002, nameof(QueueMessageSent));

    public static readonly EventId QueueMessageHandled = new(5000, nameof(QueueMessageHandled));
    public static readonly EventId QueueMessageFailed = new(5001, nameof(QueueMessageFailed));
    public static readonly EventId QueueMessagePoisoned = new(5002, nameof(QueueMessagePoisoned));
    public static readonly EventId QueuePumpFailed = new(5003, nameof(QueuePumpFailed));

    public static readonly EventId TimerFired = new(6000, nameof(TimerFired));
    public static readonly EventId TimerPastDue = new(6001, nameof(TimerPastDue));
    public static readonly EventId TimerFailed = new(6002, nameof(TimerFailed));

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
}
