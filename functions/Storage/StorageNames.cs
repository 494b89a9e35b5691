namespace RpsServerless.Functions.Storage;

/// <summary>The storage tables of the Function App. Tables are the source of truth.</summary>
public static class TableNames
{
    public const string Screenings = "Screenings";
    public const string Participants = "Participants";

    /// <summary>The allocation partition: stratum cursors and allocation records, written in one transaction.</summary>
    public const string Allocations = "Allocations";

    public const string Visits = "Visits";
    public const string Reminders = "Reminders";
    public const string Notifications = "Notifications";
    public const string IdempotencyRecords = "IdempotencyRecords";

    /// <summary>The append-only, hash-chained audit trail (one partition; see <c>TableAuditTrail</c>).</summary>
    public const string AuditTrail = "AuditTrail";

    public static IReadOnlyList<string> All { get; } =
        [Screenings, Participants, Allocations, Visits, Reminders, Notifications, IdempotencyRecords, AuditTrail];
}

/// <summary>The storage queues. Queues carry work, not state.</summary>
public static class QueueNames
{
    /// <summary>A participant changed (allocated, visit recorded): rebuild the schedule.</summary>
    public const string ParticipantEvents = "participant-events";

    /// <summary>A reminder fell due: write the inbox row and send it on every outbound channel.</summary>
    public const string Notifications = "notifications";

    /// <summary>Outbound: what coordinators' systems read. No trigger in this app reads it.</summary>
    public const string CoordinatorNotifications = "coordinator-notifications";

    /// <summary>Where the host moves a message that failed <c>maxDequeueCount</c> times.</summary>
    public static string Poison(string queueName) => queueName + "-poison";

    /// <summary>Queues read by triggers of this app; each has a poison queue.</summary>
    public static IReadOnlyList<string> Triggered { get; } = [ParticipantEvents, Notifications];

    public static IReadOnlyList<string> All { get; } =
    [
        ParticipantEvents, Poison(ParticipantEvents),
        Notifications, Poison(Notifications),
        CoordinatorNotifications,
    ];
}
