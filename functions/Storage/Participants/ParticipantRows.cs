using System.Globalization;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Allocations;

namespace RpsServerless.Functions.Storage.Participants;

/// <summary>
/// The participant rows: in table <c>Allocations</c>, partition <c>trial</c>, RowKey
/// <c>participant|{siteId}|{participantId}</c> (<c>participant|PKUIH|NATARS-PKUIH-0007</c>). The allocation's own
/// transaction inserts the row beside the state and the record, so a participant exists exactly when its allocation
/// does — no step after the commit writes it. Numbers are zero-padded and assigned per site in allocation order, so a
/// site's rows are one key range in allocation order.
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
