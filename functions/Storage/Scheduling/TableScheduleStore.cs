using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Functions.Storage.Scheduling.StorageValues;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>
/// Table <c>Visits</c>, PartitionKey = participant id. RowKeys: <c>record|000001</c> visit records (append-only,
/// numbered; the status records are <c>status|000001</c> in the same partition, <see cref="TableParticipantStatusStore"/>)
/// and <c>schedule</c>, the version row, which holds the schedule as last built and the reminders it wants
/// (<see cref="JsonColumns"/>). A rebuild replaces that one entity ETag-checked — one entity written per step however
/// many visits and reminders there are — so two rebuilds of one participant cannot interleave their writes.
/// </summary>
public sealed class TableScheduleStore(TableServiceClient tables, StorageProvisioner provisioner, TimeProvider time) : IScheduleStore
{
    internal const string RecordPrefix = "record|";
    internal const string VersionRow = "schedule";
    internal const string VisitsProperty = "Visits";
    internal const string RemindersProperty = "Reminders";

    private TableClient Table => tables.GetTableClient(TableNames.Visits);

    /// <summary>Collects the schedule's rows of a partition read (version row, visit records) into its state.</summary>
    internal sealed class ScheduleRows
    {
        private readonly List<StoredVisitRecord> _records = [];
        private IReadOnlyList<ScheduledVisit> _visits = [];
        private IReadOnlyList<HeldReminder> _reminders = [];
        private string? _version;

        /// <summary>Takes the row if it is the schedule's; false for any other row of the partition.</summary>
        public bool TryAdd(TableEntity row)
        {
            if (row.RowKey == VersionRow)
            {
                _version = row.ETag.ToString();
                // A version row of the earlier layout (a row per visit and held reminder; local development data
                // only) holds neither: the schedule counts as never built, and the next rebuild writes it whole —
                // reminders insert-if-absent, so none is doubled.
                if (row.ContainsKey(VisitsProperty))
                {
                    _visits = JsonColumns.Read<List<ScheduledVisit>>(row, VisitsProperty);
                    _reminders = JsonColumns.Read<List<HeldReminder>>(row, RemindersProperty);
                }
                return true;
            }
            if (!row.RowKey.StartsWith(RecordPrefix, StringComparison.Ordinal))
                return false;
            _records.Add(ReadRecord(row));
            return true;
        }

        public ParticipantScheduleState State() =>
            new(_records.OrderBy(r => r.Sequence).ToList(), _visits, _reminders, _version);
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

    public async Task<ParticipantScheduleState> WriteAsync(string participantId, ParticipantScheduleState current, ScheduleWrite write,
        CancellationToken cancellationToken)
    {
        if (write.IsEmpty) return current;
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var next = current.With(write);
        var row = new TableEntity(TableKeys.Escape(participantId), VersionRow) { ["ChangedAt"] = time.GetUtcNow() };
        JsonColumns.Write(row, VisitsProperty, next.Visits);
        JsonColumns.Write(row, RemindersProperty, next.Reminders);
        try
        {
            var response = current.Version is { } version
                ? await Table.UpdateEntityAsync(row, new ETag(version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                : await Table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return next with { Version = response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("The version row came back without an ETag.") };
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412 or 404)
        {
            // 409: the version row was created by another rebuild; 412: changed by one; 404: gone. Either way this
            // rebuild worked from a stale read.
            throw new ScheduleVersionConflictException(participantId);
        }
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
}
