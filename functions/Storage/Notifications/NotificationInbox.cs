using RpsServerless.Functions.Messaging;

namespace RpsServerless.Functions.Storage.Notifications;

/// <summary>A notification in a site's inbox and the channels it has been delivered on.</summary>
public sealed record InboxEntry(CoordinatorNotification Notification, IReadOnlySet<string> DeliveredChannels, string ETag);

public sealed record InboxPage(IReadOnlyList<CoordinatorNotification> Notifications, string? ContinuationToken);

/// <summary>
/// Table <c>Notifications</c>, PartitionKey = site id. One inbox row per notification, RowKey sortable by creation
/// time (<c>20261220T000003.0000000Z|ntf_…</c>), and one dedup row per notification id (<c>~ntf_…</c>) pointing at
/// it, written together in one transaction: a notification delivered twice finds its dedup row and is not stored again.
/// </summary>
public interface INotificationInbox
{
    /// <summary>The inbox entry of the notification's id: the stored one if present, else this one, stored now.</summary>
    Task<(InboxEntry Entry, bool Created)> AddIfAbsentAsync(CoordinatorNotification notification, CancellationToken cancellationToken);

    /// <summary>Records delivery on <paramref name="channel"/> (ETag-checked, re-read on a race); returns the entry as now stored.</summary>
    Task<InboxEntry> MarkDeliveredAsync(InboxEntry entry, string channel, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The site's notifications created at or after <paramref name="since"/>, oldest first.</summary>
    Task<InboxPage> ListAsync(string siteId, DateTimeOffset? since, string? continuationToken, int pageSize, CancellationToken cancellationToken);
}
