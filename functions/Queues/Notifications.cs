using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Queues;

/// <summary>Queue <c>notifications</c>: inbox row, then every outbound channel once.</summary>
public sealed class Notifications(DeliverNotification deliver, ILogger<Notifications> logger)
{
    [Function(nameof(OnNotification))]
    public async Task OnNotification(
        [QueueTrigger(QueueNames.Notifications)] string message,
        CancellationToken cancellationToken)
    {
        var notification = QueueMessages.Read<CoordinatorNotification>(message, logger, QueueNames.Notifications);
        using var scope = logger.BeginNotification(notification.NotificationId, notification.SiteId);
        await deliver.RunAsync(notification, cancellationToken).ConfigureAwait(false);
    }
}
