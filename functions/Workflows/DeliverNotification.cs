using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Notifications;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>What one delivery did: whether the inbox row was new, and the channels sent on this time.</summary>
public sealed record DeliveryOutcome(bool Stored, IReadOnlyList<string> SentOn);

/// <summary>
/// Queue <c>notifications</c>: stores the notification in the site's inbox (insert-if-absent by notification id) and
/// sends it on every registered channel that does not have it yet. Each channel's delivery is recorded on the inbox
/// row (ETag-checked) right after it succeeds, so a retry after a partial failure sends only to the channels not done.
/// A crash between a send and its record re-sends on that one channel, with the same notification id for the
/// receiver to drop. Once every channel has it, the reminder it came from is marked sent.
/// </summary>
public sealed class DeliverNotification(
    INotificationInbox inbox,
    IEnumerable<INotificationChannel> channels,
    IReminderStore reminders,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<DeliverNotification> logger)
{
    public async Task<DeliveryOutcome> RunAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginNotification(notification.NotificationId, notification.SiteId);
        var (entry, created) = await inbox.AddIfAbsentAsync(notification, cancellationToken).ConfigureAwait(false);
        if (created)
            logger.LogInformation(LogEvents.NotificationStored, "Notification {NotificationId} ({Kind}) stored in the inbox of {SiteId}",
                notification.NotificationId, notification.Kind.ToWireName(), notification.SiteId);

        var sentOn = new List<string>();
        foreach (var channel in channels)
        {
            if (entry.DeliveredChannels.Contains(channel.Name))
            {
                logger.LogInformation(LogEvents.NotificationAlreadyDelivered, "Notification {NotificationId} already delivered on {Channel}",
                    notification.NotificationId, channel.Name);
                // Its audit record, should the delivery that marked it have stopped before writing it (recorded once by key).
                await AuditAsync(entry.Notification, channel.Name, cancellationToken).ConfigureAwait(false);
                continue;
            }
            // The stored notification, not this message: a duplicate message (two timer runs) has another createdAt.
            try
            {
                await channel.SendAsync(entry.Notification, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The queue host retries the message (and poisons it after 5 attempts); channels already sent are skipped.
                logger.LogWarning(LogEvents.NotificationSendFailed, exception, "Notification {NotificationId} not sent on {Channel}; will be retried",
                    notification.NotificationId, channel.Name);
                throw;
            }
            entry = await inbox.MarkDeliveredAsync(entry, channel.Name, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await AuditAsync(entry.Notification, channel.Name, cancellationToken).ConfigureAwait(false);
            sentOn.Add(channel.Name);
            logger.LogInformation(LogEvents.NotificationDelivered, "Notification {NotificationId} delivered on {Channel}",
                notification.NotificationId, channel.Name);
        }

        if (ReminderNotifications.ReminderIdOf(entry.Notification.NotificationId) is { } reminderId && entry.Notification.DueAt is { } dueAt)
            await reminders.MarkSentAsync(reminderId, dueAt, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new DeliveryOutcome(created, sentOn);
    }

    /// <summary>One record per notification and channel, by the trigger itself.</summary>
    private Task AuditAsync(CoordinatorNotification notification, string channel, CancellationToken cancellationToken) =>
        audit.RecordAsync(AuditActor.System("notifications"),
            new AuditChange(AuditActions.NotificationDelivered, "notification", $"{notification.NotificationId}/{channel}")
            {
                SiteId = notification.SiteId, After = notification,
                EventKey = $"{AuditActions.NotificationDelivered}:{notification.NotificationId}:{channel}",
            }, cancellationToken);
}
