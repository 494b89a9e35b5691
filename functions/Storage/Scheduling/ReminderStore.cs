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
/// Table <c>Reminders</c>: PartitionKey = the UTC due date (<c>yyyyMMdd</c>), RowKey = reminder id, so the timer
/// reads only the partitions that are due; plus one cursor row that says from which partition on to read.
/// </summary>
public interface IReminderStore
{
    /// <summary>Makes the row exist and be pending with this content, unless it was already released.</summary>
    Task<ReminderEnsured> EnsureAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken);

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

public static class ReminderBuckets
{
    /// <summary>The due-date partition of an instant: its UTC calendar date.</summary>
    public static DateOnly Of(DateTimeOffset dueAt) => DateOnly.FromDateTime(dueAt.UtcDateTime);

    public static string Key(DateOnly bucket) => bucket.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
}
