using System.Globalization;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Outcomes;
using RpsServerless.Functions.Messaging;

namespace RpsServerless.Functions.Storage.Outcomes;

/// <summary>Where the sponsor-report clock of a serious adverse event stands.</summary>
public enum SaeClockStatus
{
    /// <summary>Serious, report not marked sent, deadline not yet escalated.</summary>
    Open,
    /// <summary>The deadline passed without a report marked sent; the escalation was sent. Still open for the site.</summary>
    Escalated,
    /// <summary>Report marked sent, or the event is no longer serious after a correction.</summary>
    Closed,
}

/// <summary>
/// The stored clock of one serious adverse event (table <c>AdverseEvents</c>, RowKey <c>{adverseEventId}~clock</c>,
/// next to the event's versions). <see cref="Generation"/> counts restarts: an event corrected to non-serious and
/// later serious again runs a new clock, with new notification ids.
/// </summary>
/// <param name="ETag">The stored entity's ETag; every change of a stored clock is checked against it.</param>
public sealed record SaeClockRecord(
    string ParticipantId,
    string SiteId,
    string AdverseEventId,
    int Generation,
    DateTimeOffset AwareAt,
    DateTimeOffset Deadline,
    SaeClockStatus Status,
    DateTimeOffset? InitialNotifiedAt = null,
    DateTimeOffset? EscalatedAt = null,
    DateTimeOffset? ReportSentAt = null,
    DateTimeOffset? ClosedAt = null,
    string? ClosedReason = null,
    string? ETag = null)
{
    public const string ClosedReportSent = "report_sent";
    public const string ClosedNotSerious = "not_serious";

    public bool IsOpenForSite => Status != SaeClockStatus.Closed;
}

/// <summary>An adverse event as stored: its site, its version history and its clock (null if it never was serious).</summary>
public sealed record StoredAdverseEvent(string SiteId, AdverseEventHistory History, SaeClockRecord? Clock);

/// <summary>The clock as one append must leave it: inserted (new clock) or replaced if unchanged since it was read.</summary>
public sealed record SaeClockWrite(SaeClockRecord Clock, bool Insert);

/// <summary>The version or the clock changed between reading and writing; the caller reloads and tries again.</summary>
public sealed class ConcurrentChangeException(string message) : Exception(message);

/// <summary>Open SAE clocks, for the site worklist (<c>GET /api/sites/{siteId}/worklist</c>).</summary>
public interface ISaeClockReader
{
    /// <summary>The site's clocks that are open or escalated (report not marked sent), earliest deadline first.</summary>
    Task<IReadOnlyList<SaeClockRecord>> OpenForSiteAsync(string siteId, CancellationToken cancellationToken);
}

/// <summary>Every adverse event of a participant, for the safety report of a data cut.</summary>
public interface IAdverseEventReader
{
    /// <summary>The participant's adverse events with all their versions (one partition query), in id order.</summary>
    Task<IReadOnlyList<AdverseEventHistory>> ListAsync(string participantId, CancellationToken cancellationToken);
}

public interface IAdverseEventStore : ISaeClockReader
{
    Task<StoredAdverseEvent?> LoadAsync(string participantId, string adverseEventId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a new version and, in the same entity-group transaction, the clock change it causes.
    /// </summary>
    /// <exception cref="ConcurrentChangeException">That version number exists already, or the clock changed since it was read.</exception>
    Task AppendAsync(string siteId, string adverseEventId, string participantId, AdverseEventVersion version, SaeClockWrite? clock,
        CancellationToken cancellationToken);

    Task<SaeClockRecord?> LoadClockAsync(string participantId, string adverseEventId, CancellationToken cancellationToken);

    /// <summary>Replaces the clock if it is unchanged since it was read (its ETag); false when someone changed it first.</summary>
    Task<bool> TryReplaceClockAsync(SaeClockRecord clock, CancellationToken cancellationToken);
}

/// <summary>
/// Adverse events in table <c>AdverseEvents</c>. PartitionKey = participant id; RowKey <c>{adverseEventId}~v0001</c>
/// for each version (append-only: inserted, never updated or deleted) and <c>{adverseEventId}~clock</c> for the SAE
/// clock. A version and the clock change it causes are one entity-group transaction, so "report marked sent" and
/// "clock closed" can never disagree. A version keeps the full facts as JSON (column <c>Facts</c>) plus a few columns
/// for queries.
/// </summary>
public sealed class TableAdverseEventStore(TableServiceClient tables, StorageProvisioner provisioner) : IAdverseEventStore, IAdverseEventReader
{
    private const string ClockSuffix = "~clock";
    private const string KindClock = "sae_clock";
    private const string KindVersion = "ae_version";

    private TableClient Table => tables.GetTableClient(TableNames.AdverseEvents);

    public static string VersionRowKey(string adverseEventId, int version) =>
        string.Create(CultureInfo.InvariantCulture, $"{adverseEventId}~v{version:0000}");

    public static string ClockRowKey(string adverseEventId) => adverseEventId + ClockSuffix;

    public async Task<StoredAdverseEvent?> LoadAsync(string participantId, string adverseEventId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var pk = TableKeys.Escape(participantId);
        var id = TableKeys.Escape(adverseEventId);
        // "~v" .. "~w" are the version rows of this event; "~clock" sorts before them.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {id + "~c"} and RowKey lt {id + "~w"}");
        var versions = new List<AdverseEventVersion>();
        SaeClockRecord? clock = null;
        string? siteId = null;
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey == ClockRowKey(id))
                clock = ReadClock(entity);
            else if (entity.RowKey.StartsWith(id + "~v", StringComparison.Ordinal))
            {
                versions.Add(ReadVersion(entity));
                siteId ??= entity.GetString("SiteId");
            }
        }
        if (versions.Count == 0) return null;
        var history = AdverseEventHistory.Restore(adverseEventId, participantId, versions.OrderBy(v => v.Version).ToList());
        return new StoredAdverseEvent(siteId ?? "", history, clock);
    }

    public async Task AppendAsync(string siteId, string adverseEventId, string participantId, AdverseEventVersion version,
        SaeClockWrite? clock, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(TableKeys.Escape(participantId), VersionRowKey(TableKeys.Escape(adverseEventId), version.Version))
        {
            ["Kind"] = KindVersion,
            ["SiteId"] = siteId,
            ["AdverseEventId"] = adverseEventId,
            ["Version"] = version.Version,
            ["Change"] = Messaging.MessageJson.Serialize(version.Change).Trim('"'),
            ["ChangeReason"] = version.ChangeReason,
            ["RecordedAt"] = version.RecordedAt,
            ["Serious"] = version.Facts.Serious,
            ["Grade"] = version.Facts.Grade,
            ["AwareAt"] = version.Facts.AwareAt,
            ["SponsorReportSentAt"] = version.Facts.SponsorReportSentAt,
            ["Facts"] = MessageJson.Serialize(version.Facts),
        };
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, row) };
        if (clock is not null)
        {
            var entity = WriteClock(clock.Clock);
            actions.Add(clock.Insert
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(clock.Clock.ETag!)));
        }
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException exception) when (exception.Status is 409 or 412 or 404)
        {
            throw new ConcurrentChangeException("The adverse event changed while this version was being recorded.");
        }
    }

    public async Task<IReadOnlyList<AdverseEventHistory>> ListAsync(string participantId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        // The participant's partition, version rows only (the clock rows are not needed for the tables).
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(participantId)} and Kind eq {KindVersion}");
        var versions = new Dictionary<string, List<AdverseEventVersion>>(StringComparer.Ordinal);
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var id = entity.GetString("AdverseEventId")!;
            if (!versions.TryGetValue(id, out var list)) versions[id] = list = [];
            list.Add(ReadVersion(entity));
        }
        return versions.OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => AdverseEventHistory.Restore(v.Key, participantId, v.Value.OrderBy(x => x.Version).ToList()))
            .ToList();
    }

    public async Task<SaeClockRecord?> LoadClockAsync(string participantId, string adverseEventId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(participantId),
            ClockRowKey(TableKeys.Escape(adverseEventId)), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? ReadClock(found.Value!) : null;
    }

    public async Task<bool> TryReplaceClockAsync(SaeClockRecord clock, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(WriteClock(clock), new ETag(clock.ETag!), TableUpdateMode.Replace, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Participant ids carry their site (<c>NATARS-{siteId}-nnnn</c>, <see cref="Participants.ParticipantIds"/>), so the
    /// site's adverse events are one PartitionKey range: no scan of other sites.
    /// </summary>
    public async Task<IReadOnlyList<SaeClockRecord>> OpenForSiteAsync(string siteId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var clocks = new List<SaeClockRecord>();
        var prefix = TableKeys.Escape($"{SiteIdPrefix.Acronym}-{siteId}-");
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {prefix} and PartitionKey lt {prefix[..^1] + "."} and Kind eq {KindClock} and SiteId eq {siteId} and Status ne {nameof(SaeClockStatus.Closed)}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            clocks.Add(ReadClock(entity));
        return clocks.OrderBy(c => c.Deadline).ThenBy(c => c.AdverseEventId, StringComparer.Ordinal).ToList();
    }

    private static class SiteIdPrefix
    {
        public static readonly string Acronym = Core.Protocol.ProtocolCatalog.Get().Trial.Acronym;
    }

    private static AdverseEventVersion ReadVersion(TableEntity entity) => new(
        entity.GetInt32("Version") ?? 0,
        MessageJson.Deserialize<AdverseEventChange>("\"" + entity.GetString("Change") + "\""),
        entity.GetString("ChangeReason"),
        MessageJson.Deserialize<AdverseEventFacts>(entity.GetString("Facts")!),
        entity.GetDateTimeOffset("RecordedAt") ?? default);

    private static TableEntity WriteClock(SaeClockRecord clock) =>
        new(TableKeys.Escape(clock.ParticipantId), ClockRowKey(TableKeys.Escape(clock.AdverseEventId)))
        {
            ["Kind"] = KindClock,
            ["SiteId"] = clock.SiteId,
            ["ParticipantId"] = clock.ParticipantId,
            ["AdverseEventId"] = clock.AdverseEventId,
            ["Generation"] = clock.Generation,
            ["AwareAt"] = clock.AwareAt,
            ["Deadline"] = clock.Deadline,
            ["Status"] = clock.Status.ToString(),
            ["InitialNotifiedAt"] = clock.InitialNotifiedAt,
            ["EscalatedAt"] = clock.EscalatedAt,
            ["ReportSentAt"] = clock.ReportSentAt,
            ["ClosedAt"] = clock.ClosedAt,
            ["ClosedReason"] = clock.ClosedReason,
        };

    private static SaeClockRecord ReadClock(TableEntity entity) => new(
        entity.GetString("ParticipantId")!,
        entity.GetString("SiteId")!,
        entity.GetString("AdverseEventId")!,
        entity.GetInt32("Generation") ?? 1,
        entity.GetDateTimeOffset("AwareAt")!.Value,
        entity.GetDateTimeOffset("Deadline")!.Value,
        Enum.Parse<SaeClockStatus>(entity.GetString("Status")!),
        entity.GetDateTimeOffset("InitialNotifiedAt"),
        entity.GetDateTimeOffset("EscalatedAt"),
        entity.GetDateTimeOffset("ReportSentAt"),
        entity.GetDateTimeOffset("ClosedAt"),
        entity.GetString("ClosedReason"),
        entity.ETag.ToString());
}
