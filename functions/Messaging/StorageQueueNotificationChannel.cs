using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Messaging;

/// <summary>The always-on channel: queue <c>coordinator-notifications</c>, JSON in Base64, no expiry.</summary>
public sealed class StorageQueueNotificationChannel(IQueueMessageSender sender, ILogger<StorageQueueNotificationChannel> logger)
    : INotificationChannel
{
    public string Name => "storage-queue";

    public async Task SendAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        await sender.SendAsync(QueueNames.CoordinatorNotifications, notification, null, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.NotificationSent, "Notification {NotificationId} for site {SiteId} sent on {Channel}",
            notification.NotificationId, notification.SiteId, Name);
    }
}
