using Azure.Data.Tables;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Functions.Storage.Scheduling.StorageValues;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <inheritdoc cref="ISiteVisitIndex"/>
public sealed class TableSiteVisitIndex(TableServiceClient tables, StorageProvisioner provisioner) : ISiteVisitIndex
{
    private const int OperationsPerTransaction = 100;

    private TableClient Table => tables.GetTableClient(TableNames.SiteVisits);

    public async Task ReplaceAsync(string siteId, string participantId, IReadOnlyList<ScheduledVisit> visits, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(siteId);
        var operations = visits.Select(visit => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(partition, TableKeys.Escape(participantId) + "|" + visit.VisitId)
            {
                ["ParticipantId"] = participantId,
                ["VisitId"] = visit.VisitId,
                ["Kind"] = Name(visit.Kind),
                ["Label"] = visit.Label,
                ["TargetDate"] = Date(visit.TargetDate),
                ["WindowStart"] = Date(visit.WindowStart),
                ["WindowEnd"] = Date(visit.WindowEnd),
                ["Status"] = Name(visit.Status),
                ["CompletedOn"] = Date(visit.CompletedOn),
                ["Open"] = SiteVisits.IsOpen(visit),
            })).ToList();
        for (var start = 0; start < operations.Count; start += OperationsPerTransaction)
            await Table.SubmitTransactionAsync(operations.Skip(start).Take(OperationsPerTransaction), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SiteVisit>> OpenUntilAsync(string siteId, DateOnly to, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        // One partition; dates are ISO strings, so "le" on them orders as dates do.
        var filter = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(siteId))} and Open eq true and WindowStart le {TableKeys.Literal(Date(to))}";
        var visits = new List<SiteVisit>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            visits.Add(new SiteVisit(Required(row, "ParticipantId"), new ScheduledVisit(
                Required(row, "VisitId"),
                Enum<Core.Protocol.VisitKind>(row, "Kind"),
                Required(row, "Label"),
                ReadDate(row, "TargetDate"),
                ReadDate(row, "WindowStart"),
                ReadDate(row, "WindowEnd"),
                Enum<VisitStatus>(row, "Status"),
                ReadDate(row, "CompletedOn"))));
        return visits;
    }
}
