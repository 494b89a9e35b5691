namespace RpsServerless.Functions.Messaging;

/// <summary>
/// One outbound transport for coordinator notifications. Delivery is at least once: a channel may be asked to
/// send the same notification again (queue re-delivery), and receivers deduplicate by notification id.
/// </summary>
public interface INotificationChannel
{
    /// <summary>A short name for logs: <c>storage-queue</c>, <c>service-bus</c>.</summary>
    string Name { get; }

    Task SendAsync(CoordinatorNotification notification, CancellationToken cancellationToken);
}
