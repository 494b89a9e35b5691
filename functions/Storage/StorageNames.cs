namespace RpsServerless.Functions.Storage;

/// <summary>The storage tables of the Function App. Tables are the source of truth.</summary>
public static class TableNames
{
    public const string Screenings = "Screenings";

    /// <summary>The allocation partition: the allocation state, allocation records and the participant rows they gave,
    /// written in one transaction.</summary>
    public const string Allocations = "Allocations";

    /// <summary>
    /// PartitionKey = participant id: the visit records and status records (append-only), the schedule as last built
    /// and the reminders it wants, on the row that versions them. One partition read loads what a participant's
    /// schedule is built from.
    /// </summary>
    public const string Visits = "Visits";

    /// <summary>PartitionKey = UTC due date (<c>yyyyMMdd</c>), RowKey = reminder id: the timer reads only due partitions.</summary>
    public const string Reminders = "Reminders";

    /// <summary>PartitionKey = site id: the inbox, RowKey sortable by creation time, plus one dedup row per notification id.</summary>
    public const string Notifications = "Notifications";

    public const string IdempotencyRecords = "IdempotencyRecords";

    /// <summary>PartitionKey = site id, RowKey = participant id | visit id: the site's visits, for the worklist.</summary>
    public const string SiteVisits = "SiteVisits";

    /// <summary>Imaging disease assessments: PartitionKey = participant id, RowKey = assessment id (time-sortable).</summary>
    public const string DiseaseAssessments = "DiseaseAssessments";

    /// <summary>
    /// Adverse events: PartitionKey = participant id; RowKey <c>{adverseEventId}~v{0001}</c> for each version and
    /// <c>{adverseEventId}~clock</c> for the SAE report clock, so a version and its clock change in one transaction.
    /// </summary>
    public const string AdverseEvents = "AdverseEvents";

    /// <summary>
    /// Pending SAE notifications (initial and escalation): PartitionKey = due hour (UTC <c>yyyyMMddHH</c>), so the
    /// timer reads only the hours that are due; a row is removed once its notification is sent or no longer due.
    /// </summary>
    public const string SaeAlarms = "SaeAlarms";

    /// <summary>Final pathology reports and the E02 exclusions they cause: PartitionKey = participant id.</summary>
    public const string FinalPathology = "FinalPathology";

    /// <summary>The append-only, hash-chained audit trail (one partition; see <c>TableAuditTrail</c>).</summary>
    public const string AuditTrail = "AuditTrail";

    /// <summary>
    /// Messages that reached a <c>-poison</c> queue, kept for diagnosis and requeueing: PartitionKey = the queue they
    /// failed on, RowKey = the poison message's id (see <c>Queues.PoisonMessages</c>).
    /// </summary>
    public const string PoisonMessages = "PoisonMessages";

    public static IReadOnlyList<string> All { get; } =
    [
        Screenings, Allocations, Visits, Reminders, Notifications, IdempotencyRecords,
        SiteVisits, DiseaseAssessments, AdverseEvents, SaeAlarms, FinalPathology, AuditTrail,
        PoisonMessages,
    ];
}

/// <summary>The storage queues. Queues carry work, not state.</summary>
public static class QueueNames
{
    /// <summary>A participant changed (allocated, visit or status recorded): rebuild the schedule.</summary>
    public const string ParticipantEvents = "participant-events";

    /// <summary>A reminder fell due: write the inbox row and send it on every outbound channel.</summary>
    public const string Notifications = "notifications";

    /// <summary>Outbound: what coordinators' systems read. No trigger in this app reads it.</summary>
    public const string CoordinatorNotifications = "coordinator-notifications";

    /// <summary>Where the host moves a message of <see cref="ParticipantEvents"/> that failed <c>maxDequeueCount</c> times.</summary>
    public const string ParticipantEventsPoison = ParticipantEvents + PoisonSuffix;

    /// <summary>Where the host moves a message of <see cref="Notifications"/> that failed <c>maxDequeueCount</c> times.</summary>
    public const string NotificationsPoison = Notifications + PoisonSuffix;

    public const string PoisonSuffix = "-poison";

    /// <summary>Where the host moves a message that failed <c>maxDequeueCount</c> times.</summary>
    public static string Poison(string queueName) => queueName + PoisonSuffix;

    /// <summary>Queues read by triggers of this app; each has a poison queue.</summary>
    public static IReadOnlyList<string> Triggered { get; } = [ParticipantEvents, Notifications];

    public static IReadOnlyList<string> All { get; } =
    [
        ParticipantEvents, Poison(ParticipantEvents),
        Notifications, Poison(Notifications),
        CoordinatorNotifications,
    ];
}
