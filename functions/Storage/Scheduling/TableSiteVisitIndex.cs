using Azure.Data.Tables;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Functions.Storage.Scheduling.StorageValues;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <inheritdoc cref="ISiteVisitIndex"/>
public sealed class TableSiteVisitIndex(TableServiceClient tables, StorageProvisioner provisioner) : ISiteVisitIndex
{
    internal const string OpenVisitsProperty = "OpenVisits";
    internal const string FirstWindowStartProperty = "FirstWindowStart";

    private TableClient Table => tables.GetTableClient(TableNames.SiteVisits);

    public async Task ReplaceAsync(string siteId, string participantId, IReadOnlyList<ScheduledVisit> visits, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var open = visits.Where(SiteVisits.IsOpen).ToList();
        var row = new TableEntity(TableKeys.Escape(siteId), TableKeys.Escape(participantId))
        {
            ["ParticipantId"] = participantId,
            // Absent when nothing is open: such a row never matches the worklist's filter.
            [FirstWindowStartProperty] = open.Count == 0 ? null : Date(open.Min(v => v.WindowStart!.Value)),
        };
        JsonColumns.Write(row, OpenVisitsProperty, open);
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SiteVisit>> OpenUntilAsync(string siteId, DateOnly to, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        // One partition; dates are ISO strings, so "le" on them orders as dates do. A participant matches when the
        // first of their open windows starts by then; their other open visits are sorted out here.
        var filter = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(siteId))} and {FirstWindowStartProperty} le {TableKeys.Literal(Date(to))}";
        var visits = new List<SiteVisit>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var participantId = Required(row, "ParticipantId");
            foreach (var visit in JsonColumns.Read<List<ScheduledVisit>>(row, OpenVisitsProperty))
                if (visit.WindowStart <= to)
                    visits.Add(new SiteVisit(participantId, visit));
        }
        return visits;
    }
}
