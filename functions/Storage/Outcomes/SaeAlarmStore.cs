using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace RpsServerless.Functions.Storage.Outcomes;

public enum SaeAlarmKind
{
    /// <summary>The first <c>sae_report_due</c> notification, due as soon as the clock starts.</summary>
    Initial,
    /// <summary>The escalation, due at the deadline if no report is marked sent by then.</summary>
    Escalation,
}

/// <summary>
/// A notification of an SAE clock that is due at <see cref="DueAt"/>. Alarms are hints, written before the clock
/// itself: the timer always judges them against the clock, discarding those whose clock moved on or never appeared.
/// </summary>
public sealed record SaeAlarm(
    string ParticipantId,
    string SiteId,
    string AdverseEventId,
    int Generation,
    SaeAlarmKind Kind,
    DateTimeOffset DueAt,
    DateTimeOffset WrittenAt);

public interface ISaeAlarmStore
{
    /// <summary>Adds the alarm, or leaves it as it is when it exists (same clock generation, kind and due time).</summary>
    Task AddAsync(SaeAlarm alarm, CancellationToken cancellationToken);

    /// <summary>Every alarm due at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<SaeAlarm>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes the alarm; nothing happens when it is already gone.</summary>
    Task RemoveAsync(SaeAlarm alarm, CancellationToken cancellationToken);
}

/// <summary>
/// Table <c>SaeAlarms</c>: PartitionKey = the due hour in UTC (<c>yyyyMMddHH</c>), RowKey =
/// <c>{participantId}~{adverseEventId}~{generation}~{kind}~{due ticks}</c>. Rows are removed once handled, so the timer's
/// query (every hour up to the current one) reads only what is pending, never the history.
/// </summary>
public sealed class TableSaeAlarmStore(TableServiceClient tables, StorageProvisioner provisioner) : ISaeAlarmStore
{
    private TableClient Table => tables.GetTableClient(TableNames.SaeAlarms);

    public static string HourBucket(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public async Task AddAsync(SaeAlarm alarm, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(HourBucket(alarm.DueAt), RowKey(alarm))
        {
            ["ParticipantId"] = alarm.ParticipantId,
            ["SiteId"] = alarm.SiteId,
            ["AdverseEventId"] = alarm.AdverseEventId,
            ["Generation"] = alarm.Generation,
            ["Kind"] = alarm.Kind.ToString(),
            ["DueAt"] = alarm.DueAt,
            ["WrittenAt"] = alarm.WrittenAt,
        };
        try
        {
            await Table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // The same alarm is already pending (a retried request): one is enough.
        }
    }

    public async Task<IReadOnlyList<SaeAlarm>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<SaeAlarm>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {HourBucket(now)} and DueAt le {now}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            due.Add(new SaeAlarm(
                entity.GetString("ParticipantId")!,
                entity.GetString("SiteId")!,
                entity.GetString("AdverseEventId")!,
                entity.GetInt32("Generation") ?? 1,
                Enum.Parse<SaeAlarmKind>(entity.GetString("Kind")!),
                entity.GetDateTimeOffset("DueAt")!.Value,
                entity.GetDateTimeOffset("WrittenAt") ?? entity.Timestamp ?? now));
        }
        return due.OrderBy(a => a.DueAt).ToList();
    }

    public async Task RemoveAsync(SaeAlarm alarm, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(HourBucket(alarm.DueAt), RowKey(alarm), ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already handled by an earlier run.
        }
    }

    private static string RowKey(SaeAlarm alarm) => TableKeys.Escape(string.Create(CultureInfo.InvariantCulture,
        $"{alarm.ParticipantId}~{alarm.AdverseEventId}~{alarm.Generation}~{alarm.Kind}~{alarm.DueAt.UtcTicks}"));
}
