using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Storage.Allocations;

/// <summary>
/// Table <c>Allocations</c>, PartitionKey <c>trial</c> (allocation numbers and minimisation margins are trial-wide,
/// so the whole allocation history is one entity group):
/// <list type="bullet">
/// <item>RowKey <c>state</c>: the <see cref="AllocationState"/> as JSON; every commit replaces it ETag-checked, so two
/// concurrent allocations can never both take the same slot.</item>
/// <item>RowKey = screening id (<c>scr_…</c>): the append-only allocation record; the transaction inserts it, so a
/// screening can never be allocated twice. Never updated or deleted.</item>
/// <item>RowKey <c>participant|{siteId}|{participantId}</c>: the participant row (<see cref="ParticipantRows"/>), inserted
/// in the same transaction, so the participant exists exactly when its allocation does. Never updated or deleted.</item>
/// <item>RowKey <c>pending|{screeningId}</c>: inserted in the same transaction with a copy of the record, deleted once
/// every follow-up step is done; the <c>participant-events</c> handler finishes an allocation from it with one read,
/// and the sweep finds unfinished allocations with one range query, no scan.</item>
/// </list>
/// </summary>
public sealed class TableAllocationStore(TableServiceClient tables, StorageProvisioner provisioner) : IAllocationStore
{
    public const string PartitionKey = "trial";
    public const string StateRowKey = "state";
    private const string PendingPrefix = "pending|";
    // The first character after '|': the upper bound of the pending markers' key range.
    private const string PendingEnd = "pending}";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TableClient Table => tables.GetTableClient(TableNames.Allocations);

    public async Task<LoadedAllocationState> LoadStateAsync(CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, StateRowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!found.HasValue)
            return new LoadedAllocationState(AllocationState.Initial, null);
        var state = JsonSerializer.Deserialize<AllocationState>(found.Value!.GetString("State"), Json)!;
        return new LoadedAllocationState(state, found.Value.ETag.ToString());
    }

    public async Task<StoredAllocation?> FindAsync(string screeningId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, TableKeys.Escape(screeningId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? ReadAllocation(found.Value!) : null;
    }

    public async Task<StoredAllocation?> FindPendingAsync(string screeningId, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var marker = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, PendingPrefix + TableKeys.Escape(screeningId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!marker.HasValue)
            return null;
        // A marker written before markers carried the allocation: the record has it.
        return marker.Value!.GetString("Record") is null
            ? await FindAsync(screeningId, cancellationToken).ConfigureAwait(false)
            : ReadAllocation(marker.Value);
    }

    private static StoredAllocation ReadAllocation(TableEntity entity) =>
        new(entity.GetString("ParticipantId"), JsonSerializer.Deserialize<AllocationRecord>(entity.GetString("Record"), Json)!,
            entity.GetString("ActorRole"));

    public async Task<LoadedAllocationState?> CommitAsync(LoadedAllocationState before, AllocationState after,
        StoredAllocation allocation, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var site = allocation.Allocation;
        var state = new TableEntity(PartitionKey, StateRowKey)
        {
            ["State"] = JsonSerializer.Serialize(after, Json),
            ["NextAllocationNumber"] = after.NextAllocationNumber,
            ["ProtocolVersion"] = site.ProtocolVersion,
        };
        // The indexed columns repeat the record's site-visible fields for people reading the table; Record is the truth.
        var record = new TableEntity(PartitionKey, TableKeys.Escape(site.ScreeningId))
        {
            ["ScreeningId"] = site.ScreeningId,
            ["ParticipantId"] = allocation.ParticipantId,
            ["SiteId"] = site.SiteId,
            ["Arm"] = site.Arm,
            ["Stratum"] = site.Stratum,
            ["Method"] = ContractName.Of(site.Method),
            ["AllocationNumber"] = site.AllocationNumber,
            ["AllocatedAt"] = site.AllocatedAt,
            ["ProtocolVersion"] = site.ProtocolVersion,
            ["Actor"] = allocation.Record.Actor,
            ["ActorRole"] = allocation.ActorRole,
            ["RequestId"] = allocation.Record.RequestId,
            ["Record"] = JsonSerializer.Serialize(allocation.Record, Json),
        };
        // The marker carries the allocation, so the handler that finishes it reads one row.
        var pending = new TableEntity(PartitionKey, PendingPrefix + TableKeys.Escape(site.ScreeningId))
        {
            ["ScreeningId"] = site.ScreeningId,
            ["CommittedAt"] = site.AllocatedAt,
            ["ParticipantId"] = allocation.ParticipantId,
            ["ActorRole"] = allocation.ActorRole,
            ["Record"] = record.GetString("Record"),
        };
        TableTransactionAction[] actions =
        [
            before.ETag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, state)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, state, new ETag(before.ETag)),
            new(TableTransactionActionType.Add, record),
            new(TableTransactionActionType.Add, ParticipantRows.ToEntity(allocation.Participant())),
            new(TableTransactionActionType.Add, pending),
        ];
        try
        {
            var responses = await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            var version = responses.Value[0].Headers.ETag?.ToString()
                          ?? throw new InvalidOperationException("The allocation state came back without an ETag.");
            return new LoadedAllocationState(after, version);
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            // 412: the state's ETag no longer matches; 409: the state row appeared, or this screening's record exists.
            return null;
        }
    }

    public async Task<bool> IsPendingAsync(string screeningId, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, PendingPrefix + TableKeys.Escape(screeningId),
            select: ["PartitionKey"], cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue;
    }

    public async Task<IReadOnlyList<string>> ListPendingAsync(DateTimeOffset committedBefore, CancellationToken cancellationToken)
    {
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PartitionKey} and RowKey ge {PendingPrefix} and RowKey lt {PendingEnd} and CommittedAt lt {committedBefore}");
        var pending = new List<string>();
        await foreach (var marker in Table.QueryAsync<TableEntity>(filter, select: ["ScreeningId"], cancellationToken: cancellationToken)
                           .ConfigureAwait(false))
            pending.Add(marker.GetString("ScreeningId"));
        return pending;
    }

    public async Task MarkCompletedAsync(string screeningId, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(PartitionKey, PendingPrefix + TableKeys.Escape(screeningId), ETag.All, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Completed already (by the sweep or a concurrent retry).
        }
    }
}
