using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Functions.Storage.Scheduling.StorageValues;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>
/// Table <c>Reminders</c>: PartitionKey = UTC due year, RowKey = UTC due date <c>yyyyMMdd|</c> + reminder id
/// (<see cref="ReminderBuckets"/>), column <c>Status</c> (pending | queued | sent | cancelled). Rows are never deleted:
/// a cancelled reminder stays as the record of what was planned. Every status change is ETag-checked. The release
/// cursor is the row <c>cursor</c>/<c>release</c>.
/// </summary>
public sealed class TableReminderStore(TableServiceClient tables, StorageProvisioner provisioner, TimeProvider time) : IReminderStore
{
    internal const string CursorPartition = "cursor";
    internal const string CursorRow = "release";

    /// <summary>Operations one entity-group transaction may hold.</summary>
    private const int TransactionLimit = 100;

    /// <summary>Point reads in flight at once when a schedule asks for its reminders' statuses.</summary>
    private const int ParallelReads = 16;

    private TableClient Table => tables.GetTableClient(TableNames.Reminders);

    public async Task<ReminderEnsured> EnsureAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var (partition, rowKey) = Keys(reminder.DueAt, reminder.ReminderId);
        for (var attempt = 0; ; attempt++)
        {
            // The first attempt inserts without reading: nearly every reminder a rebuild ensures is new (a moved visit's
            // reminders have new ids), so that is one request; a row that exists answers 409 and is read and reconciled.
            var existing = attempt == 0 ? null : await FindAsync(partition, rowKey, cancellationToken).ConfigureAwait(false);
            try
            {
                if (existing is null)
                {
                    await Table.AddEntityAsync(NewRow(reminder, now), cancellationToken).ConfigureAwait(false);
                    return ReminderEnsured.Added;
                }

                var status = ReadStatus(existing);
                if (status is ReminderStatus.Queued or ReminderStatus.Sent) return ReminderEnsured.AlreadyReleased;
                var same = ReminderRows.Read(existing, reminder.ReminderId) == reminder;
                if (status == ReminderStatus.Pending && same) return ReminderEnsured.Unchanged;

                var update = ReminderRows.Write(new TableEntity(partition, rowKey), reminder);
                update["Status"] = Status(ReminderStatus.Pending);
                if (status == ReminderStatus.Cancelled) update["ReactivatedAt"] = now;
                await Table.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return status == ReminderStatus.Cancelled ? ReminderEnsured.Reactivated : ReminderEnsured.Updated;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412 && attempt < 5)
            {
                // The row exists, or someone wrote it in between (the timer releasing it, another rebuild): look again.
            }
        }
    }

    /// <summary>
    /// Inserts the reminders of each partition together, up to 100 per entity-group transaction: a new schedule's
    /// reminders are all absent, so that is a request per year of follow-up. A transaction refused because one of its
    /// rows exists (a rebuild after a change, or one that stopped half-way) wrote nothing; its reminders are then
    /// ensured one by one.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ReminderEnsured>> EnsureAllAsync(IReadOnlyCollection<Reminder> reminders,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = new Dictionary<string, ReminderEnsured>(StringComparer.Ordinal);
        var groups = reminders
            .DistinctBy(r => r.ReminderId, StringComparer.Ordinal)
            .GroupBy(r => ReminderBuckets.PartitionKey(ReminderBuckets.Of(r.DueAt)), StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(TransactionLimit));
        foreach (var group in groups)
        {
            if (group.Length > 1)
            {
                try
                {
                    await Table.SubmitTransactionAsync(
                        group.Select(r => new TableTransactionAction(TableTransactionActionType.Add, NewRow(r, now))), cancellationToken)
                        .ConfigureAwait(false);
                    foreach (var reminder in group) outcomes[reminder.ReminderId] = ReminderEnsured.Added;
                    continue;
                }
                catch (TableTransactionFailedException exception) when (exception.Status == 409)
                {
                    // Some row exists: nothing of this transaction was written; reconcile each below.
                }
            }
            foreach (var reminder in group)
                outcomes[reminder.ReminderId] = await EnsureAsync(reminder, now, cancellationToken).ConfigureAwait(false);
        }
        return outcomes;
    }

    public async Task<ReminderCancelled> CancelAsync(Reminder reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var (partition, rowKey) = Keys(reminder.DueAt, reminder.ReminderId);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await FindAsync(partition, rowKey, cancellationToken).ConfigureAwait(false);
            if (existing is null) return ReminderCancelled.Missing;
            switch (ReadStatus(existing))
            {
                case ReminderStatus.Cancelled: return ReminderCancelled.AlreadyCancelled;
                case ReminderStatus.Queued or ReminderStatus.Sent: return ReminderCancelled.AlreadyReleased;
            }
            try
            {
                var update = new TableEntity(partition, rowKey)
                {
                    ["Status"] = Status(ReminderStatus.Cancelled),
                    ["CancelledAt"] = now,
                };
                await Table.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return ReminderCancelled.Cancelled;
            }
            catch (RequestFailedException exception) when (exception.Status == 412 && attempt < 5)
            {
                // Released or changed in between: look again.
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, ReminderStatus>> StatusesAsync(IReadOnlyCollection<Reminder> reminders,
        CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, ReminderStatus>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(reminders, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (reminder, ct) =>
            {
                var (partition, rowKey) = Keys(reminder.DueAt, reminder.ReminderId);
                var row = await FindAsync(partition, rowKey, ct, ["Status"]).ConfigureAwait(false);
                if (row is not null) statuses[reminder.ReminderId] = ReadStatus(row);
            }).ConfigureAwait(false);
        return statuses;
    }

    public async Task KeepReleasableAsync(DateOnly bucket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        // With the margin: the timer may run on a host whose clock is a little ahead.
        var isDue = bucket <= ReminderBuckets.Of(now + ReminderBuckets.ClockMargin);
        for (var attempt = 0; ; attempt++)
        {
            var cursor = await ReadCursorAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (cursor is null)
                {
                    await Table.AddEntityAsync(CursorEntity(bucket, now), cancellationToken).ConfigureAwait(false);
                    return;
                }
                if (cursor.Bucket <= bucket && !isDue) return;
                var to = cursor.Bucket <= bucket ? cursor.Bucket : bucket;
                await Table.UpdateEntityAsync(CursorEntity(to, now), new ETag(cursor.ETag), TableUpdateMode.Replace, cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412 && attempt < 10)
            {
                // The timer moved it or another rebuild touched it: decide again.
            }
        }
    }

    public async Task<ReleaseCursor?> ReadCursorAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var row = await FindAsync(CursorPartition, CursorRow, cancellationToken).ConfigureAwait(false);
        return row is null ? null : new ReleaseCursor(StorageValues.RequiredDate(row, "Bucket"), row.ETag.ToString());
    }

    public async Task<IReadOnlyList<StoredReminder>> PendingAsync(DateOnly bucket, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var (from, before) = ReminderBuckets.RowRange(bucket);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ReminderBuckets.PartitionKey(bucket)} and RowKey ge {from} and RowKey lt {before} and Status eq {Status(ReminderStatus.Pending)}");
        var pending = new List<StoredReminder>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            pending.Add(new StoredReminder(ReminderRows.Read(row, row.RowKey[from.Length..]), ReminderStatus.Pending, row.ETag.ToString()));
        return pending;
    }

    public async Task<bool> TryMarkQueuedAsync(StoredReminder reminder, string notificationId, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var (partition, rowKey) = Keys(reminder.Reminder.DueAt, reminder.Reminder.ReminderId);
        var update = new TableEntity(partition, rowKey)
        {
            ["Status"] = Status(ReminderStatus.Queued),
            ["NotificationId"] = notificationId,
            ["QueuedAt"] = at,
        };
        try
        {
            await Table.UpdateEntityAsync(update, new ETag(reminder.ETag), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task<bool> TryAdvanceCursorAsync(ReleaseCursor cursor, DateOnly to, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(CursorEntity(to, time.GetUtcNow()), new ETag(cursor.ETag), TableUpdateMode.Replace,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            return false;
        }
    }

    public async Task MarkSentAsync(string reminderId, DateTimeOffset dueAt, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var (partition, rowKey) = Keys(dueAt, reminderId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var existing = await FindAsync(partition, rowKey, cancellationToken).ConfigureAwait(false);
            if (existing is null || ReadStatus(existing) != ReminderStatus.Queued) return;
            try
            {
                var update = new TableEntity(partition, rowKey) { ["Status"] = Status(ReminderStatus.Sent), ["SentAt"] = at };
                await Table.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException exception) when (exception.Status == 412)
            {
            }
        }
    }

    private static (string Partition, string RowKey) Keys(DateTimeOffset dueAt, string reminderId)
    {
        var bucket = ReminderBuckets.Of(dueAt);
        return (ReminderBuckets.PartitionKey(bucket), ReminderBuckets.RowKey(bucket, reminderId));
    }

    private static TableEntity NewRow(Reminder reminder, DateTimeOffset now)
    {
        var (partition, rowKey) = Keys(reminder.DueAt, reminder.ReminderId);
        var row = ReminderRows.Write(new TableEntity(partition, rowKey), reminder);
        row["Status"] = Status(ReminderStatus.Pending);
        row["ScheduledAt"] = now;
        return row;
    }

    private static TableEntity CursorEntity(DateOnly bucket, DateTimeOffset at) =>
        new(CursorPartition, CursorRow) { ["Bucket"] = StorageValues.Date(bucket), ["ChangedAt"] = at };

    private async Task<TableEntity?> FindAsync(string partition, string rowKey, CancellationToken cancellationToken,
        IEnumerable<string>? select = null)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, select, cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    internal static string Status(ReminderStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static ReminderStatus ReadStatus(TableEntity row) => row.GetString("Status") switch
    {
        "pending" => ReminderStatus.Pending,
        "queued" => ReminderStatus.Queued,
        "sent" => ReminderStatus.Sent,
        "cancelled" => ReminderStatus.Cancelled,
        var other => throw new InvalidDataException($"Reminder {row.RowKey} has an unknown status '{other}'."),
    };
}

/// <summary>The columns of a reminder in table <c>Reminders</c>.</summary>
internal static class ReminderRows
{
    public static TableEntity Write(TableEntity row, Reminder reminder)
    {
        row["SiteId"] = reminder.SiteId;
        row["ParticipantId"] = reminder.ParticipantId;
        row["VisitId"] = reminder.VisitId;
        row["Kind"] = Name(reminder.Kind);
        row["Date"] = Date(reminder.Date);
        row["DueAt"] = reminder.DueAt;
        row["TargetDate"] = Date(reminder.TargetDate);
        row["WindowStart"] = Date(reminder.WindowStart);
        row["WindowEnd"] = Date(reminder.WindowEnd);
        row["Title"] = reminder.Title;
        row["Body"] = reminder.Body;
        return row;
    }

    public static Reminder Read(TableEntity row, string reminderId) => new(
        reminderId,
        Required(row, "SiteId"),
        Required(row, "ParticipantId"),
        Required(row, "VisitId"),
        Enum<Core.Protocol.ReminderKind>(row, "Kind"),
        RequiredDate(row, "Date"),
        (row.GetDateTimeOffset("DueAt") ?? throw new InvalidDataException($"Row {row.RowKey} has no DueAt.")).ToUniversalTime(),
        RequiredDate(row, "TargetDate"),
        RequiredDate(row, "WindowStart"),
        RequiredDate(row, "WindowEnd"),
        Required(row, "Title"),
        Required(row, "Body"));
}
