using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Storage.Participants;
using Page = RpsServerless.Functions.Storage.Participants.Page<RpsServerless.Functions.Storage.Screenings.ScreeningRecord>;

namespace RpsServerless.Functions.Storage.Screenings;

/// <summary>
/// Table <c>Screenings</c>: PartitionKey = site id, RowKey = the ULID of the screening id (submission order).
/// Columns: the submission as received (binary UTF-8 JSON: a body may use the full 64 KiB, which a string column
/// cannot hold), the evaluation as JSON, and the indexed columns the site log filters on (Outcome, ScreenedOn as
/// <c>YYYY-MM-DD</c> so string order is date order), plus ProtocolVersion on every row.
/// </summary>
public sealed class TableScreeningStore(TableServiceClient tables, StorageProvisioner provisioner) : IScreeningStore
{
    private TableClient Table => tables.GetTableClient(TableNames.Screenings);

    public async Task AddAsync(ScreeningRecord screening, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        ScreeningIds.TryParse(screening.ScreeningId, out var ulid, out _);
        var entity = new TableEntity(TableKeys.Escape(screening.SiteId), ulid)
        {
            ["ScreeningId"] = screening.ScreeningId,
            ["SiteId"] = screening.SiteId,
            ["ScreeningNumber"] = screening.ScreeningNumber,
            ["ScreenedOn"] = Iso(screening.ScreenedOn),
            ["ProtocolVersion"] = screening.ProtocolVersion,
            ["SubmittedAt"] = screening.SubmittedAt,
            ["Outcome"] = ContractName.Of(screening.Outcome),
            ["Stratum"] = screening.Evaluation.Derived.Stratum,
            ["Submission"] = screening.SubmissionJson.ToArray(),
            ["Evaluation"] = JsonSerializer.Serialize(screening.Evaluation, ScreeningJson.Options),
        };
        await Table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ScreeningRecord?> FindAsync(string screeningId, CancellationToken cancellationToken)
    {
        if (!ScreeningIds.TryParse(screeningId, out var ulid, out var siteId))
            return null;
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(TableKeys.Escape(siteId), ulid, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        // The id must match too: the same ULID under another site's id is not this screening.
        return found.HasValue && found.Value!.GetString("ScreeningId") == screeningId ? Read(found.Value) : null;
    }

    public async Task<Page> ListBySiteAsync(string siteId, ScreeningLogFilter filter, string? continuationToken,
        int pageSize, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var query = $"PartitionKey eq {TableKeys.Literal(TableKeys.Escape(siteId))}";
        if (continuationToken is not null && Paging.TryDecode(continuationToken, ScreeningIds.IsUlid, out var after))
            query += $" and RowKey gt {TableKeys.Literal(after)}";
        // Filters run server-side within the one partition (a few hundred screenings per site over the trial).
        if (filter.Outcome is { } outcome)
            query += $" and Outcome eq {TableKeys.Literal(ContractName.Of(outcome))}";
        if (filter.From is { } from)
            query += $" and ScreenedOn ge {TableKeys.Literal(Iso(from))}";
        if (filter.To is { } to)
            query += $" and ScreenedOn le {TableKeys.Literal(Iso(to))}";
        var rows = Table.QueryAsync<TableEntity>(query, maxPerPage: pageSize + 1, cancellationToken: cancellationToken);
        return await Paging.ReadPageAsync(rows, pageSize, Read, row => row.RowKey, cancellationToken).ConfigureAwait(false);
    }

    public async Task LinkParticipantAsync(string screeningId, string participantId, CancellationToken cancellationToken)
    {
        if (!ScreeningIds.TryParse(screeningId, out var ulid, out var siteId))
            throw new ArgumentException("Not a screening id.", nameof(screeningId));
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        // Merge touches only this column; ETag.All because the link is the same value whoever writes it.
        var link = new TableEntity(TableKeys.Escape(siteId), ulid) { ["ParticipantId"] = participantId };
        await Table.UpdateEntityAsync(link, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    private static ScreeningRecord Read(TableEntity entity) => new(
        entity.GetString("ScreeningId"),
        entity.GetString("SiteId"),
        entity.GetString("ScreeningNumber"),
        DateOnly.ParseExact(entity.GetString("ScreenedOn"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        entity.GetString("ProtocolVersion"),
        entity.GetDateTimeOffset("SubmittedAt")!.Value,
        entity.GetBinary("Submission"),
        JsonSerializer.Deserialize<StoredEvaluation>(entity.GetString("Evaluation"), ScreeningJson.Options)!,
        entity.GetString("ParticipantId"));

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
