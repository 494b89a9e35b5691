using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>How reminders become coordinator notifications: the notification id is derived from the reminder id.</summary>
public static class ReminderNotifications
{
    private const string Prefix = "ntf_";

    /// <summary><c>rem_NATARS-PKUIH-0007.C2D1.visit_due.20261220T0000Z</c> → <c>ntf_rem_NATARS-PKUIH-0007.C2D1.visit_due.20261220T0000Z</c>.</summary>
    public static string NotificationIdOf(string reminderId) => Prefix + reminderId;

    /// <summary>The reminder a notification was released from, if it was.</summary>
    public static string? ReminderIdOf(string notificationId) =>
        notificationId.StartsWith(Prefix + "rem_", StringComparison.Ordinal) ? notificationId[Prefix.Length..] : null;

    public static CoordinatorNotification For(Reminder reminder, DateTimeOffset createdAt) => new(
        NotificationIdOf(reminder.ReminderId),
        reminder.SiteId,
        reminder.ParticipantId,
        reminder.Kind switch
        {
            ReminderKind.VisitUpcoming => NotificationKind.VisitUpcoming,
            ReminderKind.VisitDue => NotificationKind.VisitDue,
            _ => NotificationKind.VisitOverdue,
        },
        reminder.VisitId,
        reminder.Title,
        reminder.Body,
        reminder.WindowStart,
        reminder.WindowEnd,
        reminder.DueAt,
        createdAt);
}

/// <summary>What one timer run did.</summary>
public sealed record ReleaseOutcome(int Released, int Raced, int Failed, DateOnly? Cursor);

/// <summary>
/// The timer: releases the reminders that are due. Reads the due-date partitions of <c>Reminders</c> from the release
/// cursor up to today (UTC); for each pending reminder due by now it <b>first</b> puts the notification on queue
/// <c>notifications</c> and <b>then</b> marks the reminder queued with an ETag check. A crash between the two leaves
/// the reminder pending, so the next run sends it again — a duplicate message with the same notification id, which
/// the inbox drops — and never a lost one. Two overlapping runs may both send; only one marks it queued.
/// The cursor moves forward only past partitions with nothing pending left, and only if no rebuild touched it meanwhile.
/// </summary>
public sealed class ReleaseReminders(IReminderStore reminders, IQueueMessageSender queue, TimeProvider time, ILogger<ReleaseReminders> logger)
{
    /// <summary>Partitions read per run at most, so a cursor held far back cannot make one run endless.</summary>
    public const int MaxPartitionsPerRun = 400;

    public async Task<ReleaseOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var cursor = await reminders.ReadCursorAsync(cancellationToken).ConfigureAwait(false);
        if (cursor is null) return new ReleaseOutcome(0, 0, 0, null); // no reminder was ever scheduled

        var now = time.GetUtcNow();
        var today = ReminderBuckets.Of(now);
        int released = 0, raced = 0, failed = 0, read = 0;
        DateOnly? firstStillPending = null;
        var bucket = cursor.Bucket;
        for (; bucket <= today && read < MaxPartitionsPerRun; bucket = bucket.AddDays(1), read++)
        {
            var pending = await reminders.PendingAsync(bucket, cancellationToken).ConfigureAwait(false);
            foreach (var reminder in pending.OrderBy(r => r.Reminder.DueAt))
            {
                if (reminder.Reminder.DueAt > now)
                {
                    firstStillPending ??= bucket;
                    continue;
                }
                switch (await ReleaseAsync(reminder, now, cancellationToken).ConfigureAwait(false))
                {
                    case true: released++; break;
                    case false: raced++; break;
                    case null: failed++; firstStillPending ??= bucket; break;
                }
            }
        }

        // Never past today: today's partition is read on every run anyway.
        var advanceTo = firstStillPending ?? bucket;
        if (advanceTo > today) advanceTo = today;
        if (advanceTo > cursor.Bucket)
            await reminders.TryAdvanceCursorAsync(cursor, advanceTo, cancellationToken).ConfigureAwait(false);

        if (released + raced + failed > 0)
            logger.LogInformation(LogEvents.RemindersReleased, "Released {Released} reminders ({Raced} raced, {Failed} failed); cursor {Cursor}",
                released, raced, failed, StorageValues.Date(advanceTo > cursor.Bucket ? advanceTo : cursor.Bucket));
        return new ReleaseOutcome(released, raced, failed, advanceTo > cursor.Bucket ? advanceTo : cursor.Bucket);
    }

    /// <returns>true: sent and marked queued; false: sent, but the row changed meanwhile (another run released it or a
    /// rebuild cancelled it); null: not sent, stays pending for the next run.</returns>
    private async Task<bool?> ReleaseAsync(StoredReminder stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reminder = stored.Reminder;
        using var scope = logger.BeginReminder(reminder.ReminderId, reminder.ParticipantId);
        var notification = ReminderNotifications.For(reminder, now);
        try
        {
            await queue.SendAsync(QueueNames.Notifications, notification, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(LogEvents.ReminderReleaseFailed, exception, "Reminder {ReminderId} not released; retried next run", reminder.ReminderId);
            if (StorageFailures.IsUnavailable(exception)) throw; // the queue is down: stop this run, the next one retries
            return null;
        }

        if (await reminders.TryMarkQueuedAsync(stored, notification.NotificationId, now, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation(LogEvents.ReminderReleased, "Reminder {ReminderId} released as {NotificationId} ({Kind}, due {DueAt:o})",
                reminder.ReminderId, notification.NotificationId, ContractName.Of(reminder.Kind), reminder.DueAt);
            return true;
        }
        logger.LogWarning(LogEvents.ReminderReleaseRaced,
            "Reminder {ReminderId} changed while being released; notification {NotificationId} may be a duplicate the inbox drops",
            reminder.ReminderId, notification.NotificationId);
        return false;
    }
}
