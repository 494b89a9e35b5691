using System.Globalization;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Functions.Storage.Participants;

/// <summary>Writes the participant row of an allocation. Only the allocation workflow (and its sweep) enrols.</summary>
public interface IParticipantEnrolment
{
    /// <summary>Writes the row as allocated. Idempotent: the row is a pure function of the allocation record, so
    /// writing it again (a retry, the sweep) leaves the same row.</summary>
    Task EnrolAsync(ParticipantRecord participant, CancellationToken cancellationToken);
}

/// <summary>
/// Table <c>Participants</c>: PartitionKey = site id, RowKey = participant id (<c>NATARS-PKUIH-0007</c>). Numbers are
/// zero-padded and assigned per site in allocation order, so RowKey order is the site's allocation order.
/// </summary>
public sealed class TableParticipantDirectory(TableServiceClient tables, StorageProvisioner provisioner)
    : IParticipantDirectory, IParticipantEnrolment
{
    private TableClient Table => tables.GetTableClient(TableNames.Participants);

    public async Task EnrolAsync(ParticipantRecord participant, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(TableKeys.Escape(participant.SiteId), TableKeys.Escape(participant.ParticipantId))
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
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken)
    {
        if (!ParticipantIds.TrySiteOf(participantId, out var siteId))
            return null;
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(siteId), TableKeys.Escape(participantId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? Read(found.Value!) : null;
    }

    public async Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(siteId);
        var query = $"PartitionKey eq {TableKeys.Literal(partition)}";
        if (continuationToken is not null && Paging.TryDecode(continuationToken, IsRowKey, out var after))
            query += $" and RowKey gt {TableKeys.Literal(after)}";
        var rows = Table.QueryAsync<TableEntity>(query, maxPerPage: pageSize + 1, cancellationToken: cancellationToken);
        return await Paging.ReadPageAsync(rows, pageSize, Read, row => row.RowKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a continuation token of <see cref="ListBySiteAsync"/> is well formed.</summary>
    public static bool IsValidContinuationToken(string token) => Paging.TryDecode(token, IsRowKey, out _);

    private static bool IsRowKey(string key) => ParticipantIds.TrySiteOf(key, out _);

    private static ParticipantRecord Read(TableEntity entity)
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
