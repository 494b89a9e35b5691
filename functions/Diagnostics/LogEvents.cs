using Microsoft.Extensions.Logging;

namespace RpsServerless.Functions.Diagnostics;

/// <summary>
/// Every log event of the app that operations may alert or search on, with a stable id. Ids are grouped by area:
/// 1xxx storage, 2xxx HTTP, 3xxx idempotency, 4xxx messaging, 5xxx queue host, 6xxx timer host, 7xxx workflows,
/// 8xxx access control, 9xxx audit trail.
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

    public static readonly EventId AuthenticationFailed = new(8000, nameof(AuthenticationFailed));
    public static readonly EventId AccessDenied = new(8001, nameof(AccessDenied));
    public static readonly EventId AccessRuleMissing = new(8002, nameof(AccessRuleMissing));
    public static readonly EventId AuthenticationUnavailable = new(8003, nameof(AuthenticationUnavailable));
    public static readonly EventId SiteCheckMissing = new(8004, nameof(SiteCheckMissing));

    public static readonly EventId AuditRecorded = new(9000, nameof(AuditRecorded));
    public static readonly EventId AuditAppendContended = new(9001, nameof(AuditAppendContended));
    public static readonly EventId AuditAlreadyRecorded = new(9002, nameof(AuditAlreadyRecorded));
    public static readonly EventId AuditExported = new(9003, nameof(AuditExported));
}
