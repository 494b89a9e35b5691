using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Functions.Messaging;

namespace RpsServerless.Functions.Storage.Notifications;

/// <inheritdoc cref="INotificationInbox"/>
public sealed class TableNotificationInbox(TableServiceClient tables, StorageProvisioner provisioner) : INotificationInbox
{
    /// <summary>'~' sorts after every inbox RowKey (they start with a digit), so the inbox is one RowKey range.</summary>
    internal const string DedupPrefix = "~";
    private const string DeliveredChannels = "DeliveredChannels";

    private TableClient Table => tables.GetTableClient(TableNames.Notifications);

    public async Task<(InboxEntry Entry, bool Created)> AddIfAbsentAsync(CoordinatorNotification notification, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(notification.SiteId);
        var dedupKey = DedupPrefix + TableKeys.Escape(notification.NotificationId);
        for (var attempt = 0; ; attempt++)
        {
            var pointer = await FindAsync(partition, dedupKey, cancellationToken).ConfigureAwait(false);
            if (pointer is not null)
            {
                var existing = await FindAsync(partition, pointer.GetString("InboxRowKey")!, cancellationToken).ConfigureAwait(false)
                               ?? throw new InvalidDataException($"Notification {notification.NotificationId}: dedup row without its inbox row.");
                return (Read(existing), false);
            }

            var inboxKey = InboxKey(notification.CreatedAt, notification.NotificationId);
            var row = new TableEntity(partition, inboxKey)
            {
                ["NotificationId"] = notification.NotificationId,
                ["ParticipantId"] = notification.ParticipantId,
                ["Kind"] = notification.Kind.ToWireName(),
                ["CreatedAt"] = notification.CreatedAt,
                ["Notification"] = MessageJson.Serialize(notification),
            };
            try
            {
                var responses = await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, dedupKey) { ["InboxRowKey"] = inboxKey }),
                    new TableTransactionAction(TableTransactionActionType.Add, row),
                ], cancellationToken).ConfigureAwait(false);
                return (new InboxEntry(notification, new HashSet<string>(StringComparer.Ordinal), responses.Value[1].Headers.ETag!.Value.ToString()), true);
            }
            catch (TableTransactionFailedException exception) when (exception.Status == 409 && attempt < 3)
            {
                // Another delivery of the same notification stored it first: use theirs.
            }
        }
    }

    public async Task<InboxEntry> MarkDeliveredAsync(InboxEntry entry, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Escape(entry.Notification.SiteId);
        var rowKey = InboxKey(entry.Notification.CreatedAt, entry.Notification.NotificationId);
        var current = entry;
        for (var attempt = 0; ; attempt++)
        {
            if (current.DeliveredChannels.Contains(channel)) return current;
            try
            {
                // The whole list is rewritten under the ETag of the row it was read from, so two deliveries that
                // finish different channels at once cannot drop each other's mark.
                var delivered = new SortedSet<string>(current.DeliveredChannels, StringComparer.Ordinal) { channel };
                var update = new TableEntity(partition, rowKey)
                {
                    [DeliveredChannels] = string.Join(' ', delivered),
                    ["LastDeliveredAt"] = at,
                };
                var response = await Table.UpdateEntityAsync(update, new ETag(current.ETag), TableUpdateMode.Merge, cancellationToken)
                    .ConfigureAwait(false);
                return current with { DeliveredChannels = delivered, ETag = response.Headers.ETag!.Value.ToString() };
            }
            catch (RequestFailedException exception) when (exception.Status == 412 && attempt < 5)
            {
                var row = await FindAsync(partition, rowKey, cancellationToken).ConfigureAwait(false)
                          ?? throw new InvalidDataException($"Notification {entry.Notification.NotificationId}: inbox row gone.");
                current = Read(row);
            }
        }
    }

    public async Task<InboxPage> ListAsync(string siteId, DateTimeOffset? since, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(siteId);
        var after = DecodeToken(continuationToken);
        var lower = after is not null
            ? $"RowKey gt {TableKeys.Literal(after)}"
            : $"RowKey ge {TableKeys.Literal(since is { } s ? Instant(s) : "0")}";
        var filter = $"PartitionKey eq {TableKeys.Literal(partition)} and {lower} and RowKey lt {TableKeys.Literal(DedupPrefix)}";
        var items = new List<CoordinatorNotification>();
        string? lastKey = null;
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
                           .AsPages().ConfigureAwait(false))
        {
            foreach (var row in page.Values)
            {
                if (items.Count == pageSize) return new InboxPage(items, EncodeToken(lastKey!));
                items.Add(Read(row).Notification);
                lastKey = row.RowKey;
            }
        }
        return new InboxPage(items, null);
    }

    /// <summary>Creation instant to the tick, then the id: sorts by creation, unique per notification.</summary>
    internal static string InboxKey(DateTimeOffset createdAt, string notificationId) =>
        Instant(createdAt) + "|" + TableKeys.Escape(notificationId);

    private static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static InboxEntry Read(TableEntity row)
    {
        var notification = MessageJson.Deserialize<CoordinatorNotification>(row.GetString("Notification")!);
        // Channel names (storage-queue, service-bus) hold no spaces.
        var delivered = new SortedSet<string>((row.GetString(DeliveredChannels) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            StringComparer.Ordinal);
        return new InboxEntry(notification, delivered, row.ETag.ToString());
    }

    private async Task<TableEntity?> FindAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static string EncodeToken(string rowKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(rowKey)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new InvalidContinuationTokenException();
        }
    }
}

/// <summary>A continuation token that this API did not issue.</summary>
public sealed class InvalidContinuationTokenException() : Exception("The continuation token is not valid.");
