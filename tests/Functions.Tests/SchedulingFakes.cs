using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Queues;
using RpsServerless.Functions.Storage.Notifications;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Scheduling;
using RpsServerless.Functions.Timers;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Tests;

/// <summary>Participants as the allocation workflow will have stored them.</summary>
internal sealed class InMemoryParticipantDirectory : IParticipantDirectory
{
    public Dictionary<string, ParticipantRecord> Participants { get; } = new(StringComparer.Ordinal);

    public Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult(Participants.GetValueOrDefault(participantId));

    public Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<ParticipantRecord>(Participants.Values.Where(p => p.SiteId == siteId).OrderBy(p => p.AllocationNumber).ToList(), null));
}

/// <summary>The schedule partition with the table store's version semantics.</summary>
internal sealed class InMemoryScheduleStore : IScheduleStore
{
    private readonly Lock _gate = new();

    public sealed class Partition
    {
        public List<StoredVisitRecord> Records { get; } = [];
        public List<ScheduledVisit> Visits { get; set; } = [];
        public Dictionary<string, HeldReminder> Held { get; } = new(StringComparer.Ordinal);
        public string? Version { get; set; }
    }

    public Dictionary<string, Partition> Partitions { get; } = new(StringComparer.Ordinal);

    /// <summary>Throws on the n-th write from now (1 = the next one), as a crash between steps would.</summary>
    public int? CrashOnWrite { get; set; }

    public int Writes { get; private set; }

    private Partition Of(string participantId) =>
        Partitions.TryGetValue(participantId, out var p) ? p : Partitions[participantId] = new Partition();

    public Task<ParticipantScheduleState> LoadAsync(string participantId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var p = Of(participantId);
            return Task.FromResult(new ParticipantScheduleState(p.Records.ToList(), p.Visits.ToList(), p.Held.Values.ToList(), p.Version));
        }
    }

    public Task<bool> TryAppendRecordAsync(string participantId, StoredVisitRecord record, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var p = Of(participantId);
            if (p.Records.Any(r => r.Sequence == record.Sequence)) return Task.FromResult(false);
            p.Records.Add(record);
            return Task.FromResult(true);
        }
    }

    public Task<ParticipantScheduleState> WriteAsync(string participantId, ParticipantScheduleState current, ScheduleWrite write,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (write.IsEmpty) return Task.FromResult(current);
            if (CrashOnWrite is { } n && --n == 0)
            {
                CrashOnWrite = null;
                throw new IOException("crash");
            }
            if (CrashOnWrite is not null) CrashOnWrite--;
            var p = Of(participantId);
            if (p.Version != current.Version) throw new ScheduleVersionConflictException(participantId);
            var next = current.With(write) with { Version = Guid.NewGuid().ToString("N") };
            p.Visits = next.Visits.ToList();
            p.Held.Clear();
            foreach (var held in next.Reminders) p.Held[held.Reminder.ReminderId] = held;
            p.Version = next.Version;
            Writes++;
            return Task.FromResult(next);
        }
    }
}

/// <summary>Table <c>Reminders</c> with ETags, in memory.</summary>
internal sealed class InMemoryReminderStore : IReminderStore
{
    private readonly Lock _gate = new();

    public sealed record Row(Reminder Reminder, ReminderStatus Status, string ETag, string? NotificationId = null);

    public Dictionary<string, Row> Rows { get; } = new(StringComparer.Ordinal);
    public (DateOnly Bucket, string ETag)? Cursor { get; set; }

    /// <summary>Runs after <see cref="PendingAsync"/> has answered: lets a test change rows as a racing run would.</summary>
    public Action? AfterPendingRead { get; set; }

    public IEnumerable<Row> WithStatus(ReminderStatus status) => Rows.Values.Where(r => r.Status == status);

    private static string NewETag() => Guid.NewGuid().ToString("N");

    public Task<ReminderEnsured> EnsureAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Rows.TryGetValue(reminder.ReminderId, out var row))
            {
                Rows[reminder.ReminderId] = new Row(reminder, ReminderStatus.Pending, NewETag());
                return Task.FromResult(ReminderEnsured.Added);
            }
            if (row.Status is ReminderStatus.Queued or ReminderStatus.Sent) return Task.FromResult(ReminderEnsured.AlreadyReleased);
            if (row.Status == ReminderStatus.Pending && row.Reminder == reminder) return Task.FromResult(ReminderEnsured.Unchanged);
            Rows[reminder.ReminderId] = new Row(reminder, ReminderStatus.Pending, NewETag());
            return Task.FromResult(row.Status == ReminderStatus.Cancelled ? ReminderEnsured.Reactivated : ReminderEnsured.Updated);
        }
    }

    public async Task<IReadOnlyDictionary<string, ReminderEnsured>> EnsureAllAsync(IReadOnlyCollection<Reminder> reminders, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var outcomes = new Dictionary<string, ReminderEnsured>(StringComparer.Ordinal);
        foreach (var reminder in reminders)
            outcomes[reminder.ReminderId] = await EnsureAsync(reminder, now, cancellationToken);
        return outcomes;
    }

    public Task<ReminderCancelled> CancelAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Rows.TryGetValue(reminder.ReminderId, out var row)) return Task.FromResult(ReminderCancelled.Missing);
            switch (row.Status)
            {
                case ReminderStatus.Cancelled: return Task.FromResult(ReminderCancelled.AlreadyCancelled);
                case ReminderStatus.Queued or ReminderStatus.Sent: return Task.FromResult(ReminderCancelled.AlreadyReleased);
            }
            Rows[reminder.ReminderId] = row with { Status = ReminderStatus.Cancelled, ETag = NewETag() };
            return Task.FromResult(ReminderCancelled.Cancelled);
        }
    }

    /// <summary>The ids of every reminder whose status was asked for, in order.</summary>
    public List<string> StatusReads { get; } = [];

    public Task<IReadOnlyDictionary<string, ReminderStatus>> StatusesAsync(IReadOnlyCollection<Reminder> reminders, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            StatusReads.AddRange(reminders.Select(r => r.ReminderId));
            return Task.FromResult<IReadOnlyDictionary<string, ReminderStatus>>(reminders
                .Where(r => Rows.ContainsKey(r.ReminderId)).ToDictionary(r => r.ReminderId, r => Rows[r.ReminderId].Status));
        }
    }

    public Task KeepReleasableAsync(DateOnly bucket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Cursor is null || Cursor.Value.Bucket > bucket) Cursor = (bucket, NewETag());
            else if (bucket <= ReminderBuckets.Of(now + ReminderBuckets.ClockMargin)) Cursor = (Cursor.Value.Bucket, NewETag());
            return Task.CompletedTask;
        }
    }

    public Task<ReleaseCursor?> ReadCursorAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(Cursor is { } c ? new ReleaseCursor(c.Bucket, c.ETag) : null);
    }

    public Task<IReadOnlyList<StoredReminder>> PendingAsync(DateOnly bucket, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredReminder> pending;
        lock (_gate)
            pending = Rows.Values.Where(r => r.Status == ReminderStatus.Pending && ReminderBuckets.Of(r.Reminder.DueAt) == bucket)
                .Select(r => new StoredReminder(r.Reminder, r.Status, r.ETag)).ToList();
        AfterPendingRead?.Invoke();
        return Task.FromResult(pending);
    }

    public Task<bool> TryMarkQueuedAsync(StoredReminder reminder, string notificationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!Rows.TryGetValue(reminder.Reminder.ReminderId, out var row) || row.ETag != reminder.ETag) return Task.FromResult(false);
            Rows[row.Reminder.ReminderId] = row with { Status = ReminderStatus.Queued, ETag = NewETag(), NotificationId = notificationId };
            return Task.FromResult(true);
        }
    }

    public Task<bool> TryAdvanceCursorAsync(ReleaseCursor cursor, DateOnly to, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Cursor?.ETag != cursor.ETag) return Task.FromResult(false);
            Cursor = (to, NewETag());
            return Task.FromResult(true);
        }
    }

    public Task MarkSentAsync(string reminderId, DateTimeOffset dueAt, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Rows.TryGetValue(reminderId, out var row) && row.Status == ReminderStatus.Queued)
                Rows[reminderId] = row with { Status = ReminderStatus.Sent, ETag = NewETag() };
            return Task.CompletedTask;
        }
    }
}

internal sealed class InMemorySiteVisitIndex : ISiteVisitIndex
{
    public Dictionary<(string Site, string Participant, string Visit), ScheduledVisit> Rows { get; } = new();

    public Task ReplaceAsync(string siteId, string participantId, IReadOnlyList<ScheduledVisit> visits, CancellationToken cancellationToken)
    {
        foreach (var visit in visits) Rows[(siteId, participantId, visit.VisitId)] = visit;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SiteVisit>> OpenUntilAsync(string siteId, DateOnly to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SiteVisit>>(Rows
            .Where(r => r.Key.Site == siteId && SiteVisits.IsOpen(r.Value) && r.Value.WindowStart <= to)
            .Select(r => new SiteVisit(r.Key.Participant, r.Value)).ToList());
}

/// <summary>The two in-memory stores read side by side, as the table partition holds them together.</summary>
internal sealed class InMemoryParticipantHistory(InMemoryScheduleStore schedules, InMemoryParticipantStatusStore statuses) : IParticipantHistoryReader
{
    public async Task<ParticipantHistory> LoadAsync(string participantId, CancellationToken cancellationToken) =>
        new(await schedules.LoadAsync(participantId, cancellationToken), await statuses.LoadAsync(participantId, cancellationToken));
}

internal sealed class InMemoryParticipantStatusStore : IParticipantStatusStore
{
    public Dictionary<string, List<ParticipantStatusRecord>> Records { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<ParticipantStatusRecord>> LoadAsync(string participantId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ParticipantStatusRecord>>(Records.GetValueOrDefault(participantId)?.ToList() ?? []);

    public Task<bool> TryAppendAsync(string participantId, ParticipantStatusRecord record, CancellationToken cancellationToken)
    {
        var list = Records.TryGetValue(participantId, out var l) ? l : Records[participantId] = [];
        if (list.Any(r => r.Sequence == record.Sequence)) return Task.FromResult(false);
        list.Add(record);
        return Task.FromResult(true);
    }
}

internal sealed class InMemoryNotificationInbox : INotificationInbox
{
    private readonly Lock _gate = new();
    public Dictionary<string, InboxEntry> Entries { get; } = new(StringComparer.Ordinal);
    public int DeliveryMarks { get; private set; }

    public Task<(InboxEntry Entry, bool Created)> AddIfAbsentAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (Entries.TryGetValue(notification.NotificationId, out var existing)) return Task.FromResult((existing, false));
            var entry = new InboxEntry(notification, new HashSet<string>(), Guid.NewGuid().ToString("N"));
            Entries[notification.NotificationId] = entry;
            return Task.FromResult((entry, true));
        }
    }

    public Task<InboxEntry> MarkDeliveredAsync(InboxEntry entry, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var current = Entries[entry.Notification.NotificationId];
            var updated = current with
            {
                DeliveredChannels = new HashSet<string>(current.DeliveredChannels) { channel },
                ETag = Guid.NewGuid().ToString("N"),
            };
            Entries[entry.Notification.NotificationId] = updated;
            DeliveryMarks++;
            return Task.FromResult(updated);
        }
    }

    public Task<InboxPage> ListAsync(string siteId, DateTimeOffset? since, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(new InboxPage(Entries.Values.Select(e => e.Notification)
                .Where(n => n.SiteId == siteId && (since is null || n.CreatedAt >= since)).OrderBy(n => n.CreatedAt).ToList(), null));
    }
}

/// <summary>Records what would go on each queue.</summary>
internal sealed class RecordingQueue : IQueueMessageSender
{
    public List<(string Queue, object Message)> Sent { get; } = [];
    public Exception? FailWith { get; set; }

    public Task SendAsync<T>(string queueName, T message, TimeSpan? visibilityDelay, CancellationToken cancellationToken)
    {
        if (FailWith is not null) throw FailWith;
        lock (Sent) Sent.Add((queueName, message!));
        return Task.CompletedTask;
    }

    public List<T> On<T>(string queue) => Sent.Where(s => s.Queue == queue).Select(s => (T)s.Message).ToList();
}

internal sealed class RecordingChannel(string name) : INotificationChannel
{
    public string Name => name;
    public List<CoordinatorNotification> Sent { get; } = [];
    public int FailuresLeft { get; set; }

    public Task SendAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new InvalidOperationException($"{name} is down");
        }
        Sent.Add(notification);
        return Task.CompletedTask;
    }
}

/// <summary>The scheduling workflows and function classes over in-memory stores and a fake clock.</summary>
internal sealed class SchedulingHarness
{
    public const string ParticipantId = "NATARS-PKUIH-0007";
    public const string SiteId = "PKUIH";

    /// <summary>2026-11-29 09:00 at the site (Asia/Shanghai, UTC+8).</summary>
    public static readonly DateTimeOffset AllocatedAt = new(2026, 11, 29, 1, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(AllocatedAt);
    public InMemoryParticipantDirectory Directory { get; } = new();
    public InMemoryScheduleStore Schedules { get; } = new();
    public InMemoryReminderStore Reminders { get; } = new();
    public InMemorySiteVisitIndex SiteVisits { get; } = new();
    public InMemoryParticipantStatusStore Statuses { get; } = new();
    public InMemoryNotificationInbox Inbox { get; } = new();
    public RecordingQueue Queue { get; } = new();
    public List<RecordingChannel> Channels { get; } = [new("storage-queue"), new("service-bus")];
    public InMemoryIdempotencyStore Idempotency { get; } = new();
    public InMemoryAuditTrail Audit { get; } = new();

    public ParticipantFiles Files => new(Directory, new InMemoryParticipantHistory(Schedules, Statuses));
    public ReadSchedule ReadSchedule => new(Files, Reminders, Time);
    public RebuildSchedule Rebuild => new(Files, Schedules, Reminders, SiteVisits, Time, NullLogger<RebuildSchedule>.Instance);

    public ParticipantSchedules ScheduleFunctions => new(TestEndpoint.Create(Idempotency), ReadSchedule,
        new RecordVisit(Files, Schedules, Queue, ReadSchedule, Audit, Time, NullLogger<RecordVisit>.Instance));

    public ParticipantStatuses StatusFunctions => new(TestEndpoint.Create(Idempotency),
        new RecordParticipantStatus(Files, Statuses, Queue, Audit, Time, NullLogger<RecordParticipantStatus>.Instance));

    public Outcomes.InMemoryAdverseEventStore SaeClocks { get; } = new();

    public SiteWork SiteFunctions => new(TestEndpoint.Create(Idempotency), new ReadWorklist(SiteVisits, SaeClocks, Time), new ReadInbox(Inbox));

    /// <summary>The handler; its allocation half finds nothing pending here (these tests allocate no screening).</summary>
    public ParticipantEvents ParticipantEventsFunction => new(Rebuild,
        new AllocationFollowUp(new Allocation.InMemoryScreeningStore(), Queue,
            new Allocation.InMemoryAllocationStore(), Audit, new AllocationFaults(), NullLogger<AllocationFollowUp>.Instance),
        NullLogger<ParticipantEvents>.Instance);

    public ReleaseDueReminders Timer => new(new ReleaseReminders(Reminders, Queue, Time, NullLogger<ReleaseReminders>.Instance));

    public Queues.Notifications NotificationsFunction => new(
        new DeliverNotification(Inbox, Channels, Reminders, Audit, Time, NullLogger<DeliverNotification>.Instance), NullLogger<Queues.Notifications>.Instance);

    public ParticipantRecord Allocate(string arm = "neoadjuvant", string participantId = ParticipantId)
    {
        var record = new ParticipantRecord(participantId, SiteId, "scr_1", arm, "DDLPS", AllocationMethod.PermutedBlocks, 7,
            AllocatedAt, new DateOnly(2026, 11, 29), ProtocolCatalog.Current);
        Directory.Participants[participantId] = record;
        return record;
    }

    public static string EventMessage(string participantId = ParticipantId, string reason = "allocated") =>
        MessageJson.Serialize(new ParticipantEvent(participantId, reason));

    public Task DeliverParticipantEventAsync(string participantId = ParticipantId, string reason = "allocated") =>
        ParticipantEventsFunction.OnParticipantEvent(EventMessage(participantId, reason), CancellationToken.None);

    /// <summary>Moves the clock to 08:00:30 site time (00:00:30 UTC) on <paramref name="localDate"/>.</summary>
    public void AdvanceTo(DateOnly localDate)
    {
        var target = new DateTimeOffset(localDate.ToDateTime(new TimeOnly(0, 0, 30)), TimeSpan.Zero);
        Time.Advance(target - Time.GetUtcNow());
    }

    public Task RunTimerAsync() => Timer.Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

    /// <summary>Passes every notification the timer queued to the notifications function, as the queue would.</summary>
    public async Task DeliverQueuedNotificationsAsync()
    {
        List<CoordinatorNotification> queued;
        lock (Queue.Sent)
        {
            queued = Queue.On<CoordinatorNotification>(Storage.QueueNames.Notifications);
            Queue.Sent.RemoveAll(s => s.Queue == Storage.QueueNames.Notifications);
        }
        foreach (var notification in queued)
            await NotificationsFunction.OnNotification(MessageJson.Serialize(notification), CancellationToken.None);
    }
}
