using RpsServerless.Core.Scheduling;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>A reminder's life: pending until the timer releases it, queued once its notification is on the queue,
/// sent once every channel has it; cancelled when its visit moved or can no longer be done.</summary>
public enum ReminderStatus
{
    Pending,
    Queued,
    Sent,
    Cancelled,
}

/// <summary>A row of table <c>Reminders</c> as read, with the ETag that guards its next change.</summary>
public sealed record StoredReminder(Reminder Reminder, ReminderStatus Status, string ETag);

public enum ReminderEnsured
{
    Added,
    /// <summary>It had been cancelled and is wanted again (e.g. a death record corrected): pending again.</summary>
    Reactivated,
    /// <summary>Still pending; its text changed.</summary>
    Updated,
    Unchanged,
    /// <summary>Already queued or sent: left as it is.</summary>
    AlreadyReleased,
}

public enum ReminderCancelled
{
    Cancelled,
    AlreadyCancelled,
    /// <summary>Already queued or sent: left as it is (a notification cannot be unsent).</summary>
    AlreadyReleased,
    Missing,
}

/// <summary>The release cursor: the earliest due-date partition that may still hold a pending reminder.</summary>
public sealed record ReleaseCursor(DateOnly Bucket, string ETag);

/// <summary>
/// Table <c>Reminders</c>, bucketed by UTC due date (<see cref="ReminderBuckets"/>), so the timer reads only the
/// buckets that are due; plus one cursor row that says from which bucket on to read.
/// </summary>
public interface IReminderStore
{
    /// <summary>Makes the row exist and be pending with this content, unless it was already released.</summary>
    Task<ReminderEnsured> EnsureAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary><see cref="EnsureAsync"/> for each reminder, in as few storage requests as the layout allows.</summary>
    Task<IReadOnlyDictionary<string, ReminderEnsured>> EnsureAllAsync(IReadOnlyCollection<Reminder> reminders, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Cancels the row if it is still pending. Never deletes.</summary>
    Task<ReminderCancelled> CancelAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The stored status of each reminder that has a row.</summary>
    Task<IReadOnlyDictionary<string, ReminderStatus>> StatusesAsync(IReadOnlyCollection<Reminder> reminders, CancellationToken cancellationToken);

    /// <summary>
    /// Called after pending reminders due from <paramref name="bucket"/> on were written: moves the cursor back to
    /// it if needed and, when the bucket is due (or nearly), changes the cursor row in any case, so a timer run that
    /// read the cursor before these rows existed cannot move it past them.
    /// </summary>
    Task KeepReleasableAsync(DateOnly bucket, DateTimeOffset now, CancellationToken cancellationToken);

    Task<ReleaseCursor?> ReadCursorAsync(CancellationToken cancellationToken);

    /// <summary>The pending reminders of one due-date partition.</summary>
    Task<IReadOnlyList<StoredReminder>> PendingAsync(DateOnly bucket, CancellationToken cancellationToken);

    /// <summary>pending → queued, ETag-checked; false when the row changed since it was read.</summary>
    Task<bool> TryMarkQueuedAsync(StoredReminder reminder, string notificationId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Moves the cursor forward, ETag-checked; false when the row changed since it was read.</summary>
    Task<bool> TryAdvanceCursorAsync(ReleaseCursor cursor, DateOnly to, CancellationToken cancellationToken);

    /// <summary>queued → sent, once the notification reached every channel. A no-op in any other state.</summary>
    Task MarkSentAsync(string reminderId, DateTimeOffset dueAt, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// Where a reminder is stored: its bucket is its UTC due date; PartitionKey = the bucket's year (<c>yyyy</c>), RowKey =
/// <c>yyyyMMdd|</c> + reminder id. A day's bucket is then one RowKey range of one partition (what the timer reads), and
/// the reminders a participant's schedule adds — about 45 over five years of follow-up — fall into a handful of
/// partitions, so a rebuild inserts them in one entity-group transaction per year instead of one request each.
/// </summary>
public static class ReminderBuckets
{
    /// <summary>
    /// How far ahead of this host's clock the release timer's host may run. The timer takes a reminder only once it is
    /// due by its own clock, so a reminder due later than now + this margin is still pending, wherever it is read.
    /// </summary>
    public static readonly TimeSpan ClockMargin = TimeSpan.FromDays(1);

    /// <summary>Whether the release timer may already have taken a reminder due at <paramref name="dueAt"/>.</summary>
    public static bool MayBeReleased(DateTimeOffset dueAt, DateTimeOffset now) => dueAt <= now + ClockMargin;

    /// <summary>The due-date partition of an instant: its UTC calendar date.</summary>
    public static DateOnly Of(DateTimeOffset dueAt) => DateOnly.FromDateTime(dueAt.UtcDateTime);

    public static string Key(DateOnly bucket) => bucket.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    public static string PartitionKey(DateOnly bucket) => bucket.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    public static string RowKey(DateOnly bucket, string reminderId) => Key(bucket) + RowSeparator + reminderId;

    /// <summary>The RowKey range of one day's bucket: from <c>yyyyMMdd|</c> up to, not including, <c>yyyyMMdd}</c>.</summary>
    public static (string From, string Before) RowRange(DateOnly bucket) => (Key(bucket) + RowSeparator, Key(bucket) + '}');

    private const char RowSeparator = '|'; // '}' is the next character: the exclusive end of a day's range
}
