using Azure.Data.Tables;
using RpsServerless.Core.Outcomes;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>What has been recorded about a participant since allocation that their schedule is built from, as stored:
/// visit records with the schedule as last built, and status records.</summary>
public sealed record ParticipantHistory(ParticipantScheduleState Schedule, IReadOnlyList<ParticipantStatusRecord> Statuses);

/// <summary>Reads a participant's <see cref="ParticipantHistory"/> together.</summary>
public interface IParticipantHistoryReader
{
    Task<ParticipantHistory> LoadAsync(string participantId, CancellationToken cancellationToken);
}

/// <summary>
/// One query of the participant's partition of table <c>Visits</c>, which holds the schedule's rows
/// (<see cref="TableScheduleStore"/>) and the status records (<see cref="TableParticipantStatusStore"/>): a schedule
/// read or rebuild costs this and the participant row, two requests.
/// </summary>
public sealed class TableParticipantHistory(TableServiceClient tables, StorageProvisioner provisioner) : IParticipantHistoryReader
{
    private TableClient Table => tables.GetTableClient(TableNames.Visits);

    public async Task<ParticipantHistory> LoadAsync(string participantId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var schedule = new TableScheduleStore.ScheduleRows();
        var statuses = new List<ParticipantStatusRecord>();
        var filter = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(participantId))}";
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!schedule.TryAdd(row) && TableParticipantStatusStore.IsStatusRow(row))
                statuses.Add(TableParticipantStatusStore.ReadRow(row));
        }
        return new ParticipantHistory(schedule.State(), statuses.OrderBy(r => r.Sequence).ToList());
    }
}
