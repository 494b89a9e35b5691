using Azure.Data.Tables;
using RpsServerless.Functions.Storage.Allocations;

namespace RpsServerless.Functions.Storage.Participants;

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

    /// <remarks>The continuation token is the last participant id returned; the next page starts after it within the
    /// site's key range, so no token reaches another site's rows.</remarks>
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
        return await Paging.ReadPageAsync(rows, pageSize, ParticipantRows.Read,
            row => row.GetString(nameof(ParticipantRecord.ParticipantId)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a continuation token of <see cref="ListBySiteAsync"/> is well formed.</summary>
    public static bool IsValidContinuationToken(string token) => Paging.TryDecode(token, IsParticipantId, out _);

    private static bool IsParticipantId(string key) => ParticipantIds.TrySiteOf(key, out _);
}
