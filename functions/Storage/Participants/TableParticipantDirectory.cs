using System.Globalization;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Allocations;

namespace RpsServerless.Functions.Storage.Participants;

/// <summary>
/// The participant rows: in table <c>Allocations</c>, partition <c>trial</c>, RowKey <c>participant|{siteId}|{participantId}</c>
/// (<c>participant|PKUIH|NATARS-PKUIH-0007</c>). The allocation's own transaction inserts the row beside the state and
/// the record, so a participant exists exactly when its allocation does — no step after the commit writes it. Numbers
/// are zero-padded and assigned per site in allocation order, so a site's rows are one key range in allocation order.
/// </summary>
public static class ParticipantRows
{
    private const string Prefix = "participant|";

    public static string RowKey(string siteId, string participantId) =>
        $"{Prefix}{TableKeys.Escape(siteId)}|{TableKeys.Escape(participantId)}";

    /// <summary>The key range of one site's rows: from <c>participant|{siteId}|</c> up to the next character after '|'.</summary>
    public static (string From, string Before) SiteRange(string siteId) =>
        ($"{Prefix}{TableKeys.Escape(siteId)}|", $"{Prefix}{TableKeys.Escape(siteId)}}}");

    public static TableEntity ToEntity(ParticipantRecord participant) =>
        new(TableAllocationStore.PartitionKey, RowKey(participant.SiteId, participant.ParticipantId))
        {
            [nameof(ParticipantRecord.ParticipantId)] = participant.ParticipantId,
            [nameof(ParticipantRecord.SiteId)] = participant.SiteId,
            [nameof(ParticipantRecord.ScreeningId)] = participant.ScreeningId,
            [nameof(ParticipantRecord.Arm)] = participant.Arm,
            [nameof(ParticipantRecord.Stratum)] = participant.Stratum,
            [nameof(ParticipantRecord.Method)] = ContractName.Of(participant.Method),
            [nameof(ParticipantRecord.AllocationNumber)] = participant.AllocationNumber,
            [nameof(ParticipantRecord.AllocatedAt)] = participant.AllocatedAt,
            [nameof(ParticipantRecord.AllocatedOn)] = participant.AllocatedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [nameof(ParticipantRecord.ProtocolVersion)] = participant.ProtocolVersion,
        };

    public static ParticipantRecord Read(TableEntity entity)
    {
        ContractName.TryParse<AllocationMethod>(entity.GetString(nameof(ParticipantRecord.Method)), out var method);
        return new ParticipantRecord(
            entity.GetString(nameof(ParticipantRecord.ParticipantId)),
            entity.GetString(nameof(ParticipantRecord.SiteId)),
            entity.GetString(nameof(ParticipantRecord.ScreeningId)),
            entity.GetString(nameof(ParticipantRecord.Arm)),
            entity.GetString(nameof(ParticipantRecord.Stratum)),
            method,
            entity.GetInt32(nameof(ParticipantRecord.AllocationNumber)) ?? 0,
            entity.GetDateTimeOffset(nameof(ParticipantRecord.AllocatedAt))!.Value,
            DateOnly.ParseExact(entity.GetString(nameof(ParticipantRecord.AllocatedOn)), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            entity.GetString(nameof(ParticipantRecord.ProtocolVersion)));
    }
}

/// <summary>Reads the participant rows (<see cref="ParticipantRows"/>); the allocation commit writes them.</summary>
public sealed class TableParticipantDirectory(TableServiceClient tables, StorageProvisioner provisioner) : IParticipantDirectory
{
    private TableClient Table => tables.GetTableClient(TableNames.Allocations);

    public async Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken)
    {
        if (!ParticipantIds.TrySiteOf(participantId, out var siteId))
            return null;
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(TableAllocationStore.PartitionKey,
            ParticipantRows.RowKey(siteId, participantId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? ParticipantRows.Read(found.Value!) : null;
    }

    /// <remarks>The continuation token is the last participant id returned; a token of another site starts nowhere.</remarks>
    public async Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var (from, before) = ParticipantRows.SiteRange(siteId);
        var query = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableAllocationStore.PartitionKey} and RowKey ge {from} and RowKey lt {before}");
        if (continuationToken is not null && Paging.TryDecode(continuationToken, IsParticipantId, out var after))
            query += $" and RowKey gt {TableKeys.Literal(ParticipantRows.RowKey(siteId, after))}";
        var rows = Table.QueryAsync<TableEntity>(query, maxPerPage: pageSize + 1, cancellationToken: cancellationToken);
        return await Paging.ReadPageAsync(rows, pageSize, ParticipantRows.Read, row => row.GetString(nameof(ParticipantRecord.ParticipantId)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a continuation token of <see cref="ListBySiteAsync"/> is well formed.</summary>
    public static bool IsValidContinuationToken(string token) => Paging.TryDecode(token, IsParticipantId, out _);

    private static bool IsParticipantId(string key) => ParticipantIds.TrySiteOf(key, out _);
}
