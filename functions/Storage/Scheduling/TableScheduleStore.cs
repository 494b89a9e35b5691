using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Functions.Storage.Scheduling.StorageValues;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>
/// Table <c>Visits</c>, PartitionKey = participant id. RowKeys:
/// <c>record|000001</c> visit records (append-only, numbered), <c>visit|C1D1</c> the schedule as last built,
/// <c>reminder|rem_…</c> the reminders the schedule wants, <c>schedule</c> the version row. Every change of the
/// held reminders or visits goes through entity-group transactions that also update the version row with its ETag,
/// so two rebuilds of one participant cannot interleave their writes.
/// </summary>
public sealed class TableScheduleStore(TableServiceClient tables, StorageProvisioner provisioner, TimeProvider time) : IScheduleStore
{
    internal const string RecordPrefix = "record|";
    internal const string VisitPrefix = "visit|";
    internal const string ReminderPrefix = "reminder|";
    internal const string VersionRow = "schedule";

    /// <summary>A transaction holds at most 100 operations; one is the version row.</summary>
    private const int OperationsPerTransaction = 99;

    private TableClient Table => tables.GetTableClient(TableNames.Visits);

    public async Task<ParticipantScheduleState> LoadAsync(string participantId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<StoredVisitRecord>();
        var visits = new List<(int Order, ScheduledVisit Visit)>();
        var reminders = new List<HeldReminder>();
        string? version = null;
        var filter = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(participantId))}";
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == VersionRow) version = row.ETag.ToString();
            else if (row.RowKey.StartsWith(RecordPrefix, StringComparison.Ordinal)) records.Add(ReadRecord(row));
            else if (row.RowKey.StartsWith(VisitPrefix, StringComparison.Ordinal)) visits.Add((row.GetInt32("Order") ?? 0, ReadVisit(row)));
            else if (row.RowKey.StartsWith(ReminderPrefix, StringComparison.Ordinal)) reminders.Add(ReadHeld(row));
        }
        return new ParticipantScheduleState(
            records.OrderBy(r => r.Sequence).ToList(), visits.OrderBy(v => v.Order).Select(v => v.Visit).ToList(), reminders, version);
    }

    public async Task<bool> TryAppendRecordAsync(string participantId, StoredVisitRecord record, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var visit = record.Visit;
        var row = new TableEntity(TableKeys.Escape(participantId), RecordKey(record.Sequence))
        {
            ["VisitId"] = visit.VisitId,
            ["Status"] = Name(visit.Status),
            ["Date"] = Date(visit.Date),
            ["Reason"] = visit.Reason,
            ["Data"] = visit.Data is { } data ? data.GetRawText() : null,
            ["RecordedAt"] = record.RecordedAt,
        };
        try
        {
            await Table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            return false;
        }
    }

    public async Task<string?> WriteAsync(string participantId, string? expectedVersion, ScheduleWrite write,
        CancellationToken cancellationToken)
    {
        if (write.IsEmpty) return expectedVersion;
        var partition = TableKeys.Escape(participantId);
        var operations = new List<TableTransactionAction>();
        if (write.Visits is { } built)
            for (var i = 0; i < built.Count; i++)
                operations.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, VisitRow(partition, built[i], i)));
        foreach (var held in write.Hold)
            operations.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, HeldRow(partition, held)));
        foreach (var reminderId in write.Release)
            operations.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, ReminderPrefix + reminderId), ETag.All));

        var version = expectedVersion;
        for (var start = 0; start < operations.Count; start += OperationsPerTransaction)
        {
            var versionRow = new TableEntity(partition, VersionRow) { ["ChangedAt"] = time.GetUtcNow() };
            var batch = new List<TableTransactionAction>(OperationsPerTransaction + 1)
            {
                version is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, versionRow)
                    : new TableTransactionAction(TableTransactionActionType.UpdateMerge, versionRow, new ETag(version)),
            };
            batch.AddRange(operations.Skip(start).Take(OperationsPerTransaction));
            try
            {
                var responses = await Table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                version = responses.Value[0].Headers.ETag?.ToString()
                          ?? throw new InvalidOperationException("The version row came back without an ETag.");
            }
            catch (TableTransactionFailedException exception) when (exception.Status is 409 or 412 or 404)
            {
                // 409: the version row was created by another rebuild; 412: changed by one; 404: a held reminder
                // deleted by one. Either way this rebuild worked from a stale read.
                throw new ScheduleVersionConflictException(participantId);
            }
        }
        return version;
    }

    internal static string RecordKey(int sequence) => RecordPrefix + sequence.ToString("D6", CultureInfo.InvariantCulture);

    private static StoredVisitRecord ReadRecord(TableEntity row)
    {
        var sequence = int.Parse(row.RowKey[RecordPrefix.Length..], CultureInfo.InvariantCulture);
        JsonElement? data = row.GetString("Data") is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
        var visit = new RecordedVisit(Required(row, "VisitId"), Enum<RecordedVisitStatus>(row, "Status"), ReadDate(row, "Date"),
            row.GetString("Reason"), data);
        return new StoredVisitRecord(sequence, visit, row.GetDateTimeOffset("RecordedAt") ?? DateTimeOffset.MinValue);
    }

    private static TableEntity VisitRow(string partition, ScheduledVisit visit, int order) => new(partition, VisitPrefix + visit.VisitId)
    {
        ["Order"] = order,
        ["Kind"] = Name(visit.Kind),
        ["Label"] = visit.Label,
        ["TargetDate"] = Date(visit.TargetDate),
        ["WindowStart"] = Date(visit.WindowStart),
        ["WindowEnd"] = Date(visit.WindowEnd),
        ["Status"] = Name(visit.Status),
        ["CompletedOn"] = Date(visit.CompletedOn),
    };

    private static ScheduledVisit ReadVisit(TableEntity row) => new(
        row.RowKey[VisitPrefix.Length..],
        Enum<Core.Protocol.VisitKind>(row, "Kind"),
        Required(row, "Label"),
        ReadDate(row, "TargetDate"),
        ReadDate(row, "WindowStart"),
        ReadDate(row, "WindowEnd"),
        Enum<VisitStatus>(row, "Status"),
        ReadDate(row, "CompletedOn"));

    private static TableEntity HeldRow(string partition, HeldReminder held)
    {
        var row = ReminderRows.Write(new TableEntity(partition, ReminderPrefix + held.Reminder.ReminderId), held.Reminder);
        row["Confirmed"] = held.Confirmed;
        return row;
    }

    private static HeldReminder ReadHeld(TableEntity row) =>
        new(ReminderRows.Read(row, row.RowKey[ReminderPrefix.Length..]), row.GetBoolean("Confirmed") ?? false);
}

/// <summary>The columns of a reminder, shared by the held set and table <c>Reminders</c>.</summary>
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
