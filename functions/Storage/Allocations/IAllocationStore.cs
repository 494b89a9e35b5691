using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Storage.Allocations;

/// <summary>An allocation as committed: the full record (concealed audit detail included) and the participant id it gave.</summary>
/// <param name="ActorRole">The app roles the allocating caller held (as <see cref="Audit.AuditActor.Role"/>), so that whoever
/// completes the allocation — the request, its retry or the sweep — writes the same audit record; null in rows written
/// before it was stored.</param>
public sealed record StoredAllocation(string ParticipantId, AllocationRecord Record, string? ActorRole = null)
{
    public SiteAllocation Allocation => Record.Allocation;
    public string ScreeningId => Record.Allocation.ScreeningId;

    /// <summary>The participant as allocated: a pure function of the record, anchored on the site-local date of the
    /// allocation instant under the protocol version that allocated.</summary>
    public ParticipantRecord Participant()
    {
        var site = Allocation;
        var protocol = ProtocolCatalog.Get(site.ProtocolVersion);
        return new ParticipantRecord(
            ParticipantId, site.SiteId, site.ScreeningId, site.Arm, site.Stratum, site.Method, site.AllocationNumber,
            site.AllocatedAt, SiteClock.Today(protocol, site.SiteId, site.AllocatedAt), site.ProtocolVersion);
    }
}

/// <summary>The allocation state as loaded, with the version token the commit must still match (null: no state row yet).</summary>
public sealed record LoadedAllocationState(AllocationState State, string? ETag);

/// <summary>
/// The allocation partition (table <c>Allocations</c>, one PartitionKey): the allocation state, one record per
/// allocated screening, the participant row it gave, and a "pending" marker per allocation whose follow-up steps (link,
/// messages, audit record) are not all known to be done. The commit writes all four in one entity-group transaction.
/// </summary>
public interface IAllocationStore
{
    Task<LoadedAllocationState> LoadStateAsync(CancellationToken cancellationToken);

    Task<StoredAllocation?> FindAsync(string screeningId, CancellationToken cancellationToken);

    /// <summary>
    /// One transaction: replace the state if its version is still <paramref name="before"/>'s (insert it when there was
    /// none), insert the record keyed by screening id, the participant row (<see cref="StoredAllocation.Participant"/>)
    /// and the pending marker. All or nothing.
    /// </summary>
    /// <returns>The state as now stored, with its new version (what the next commit must match); null when nothing was
    /// written: the state changed since it was loaded, or the screening's record exists already. The caller then looks
    /// for the screening's record, and reloads and retries if there is none.</returns>
    Task<LoadedAllocationState?> CommitAsync(LoadedAllocationState before, AllocationState after, StoredAllocation allocation,
        CancellationToken cancellationToken);

    /// <summary>Whether the allocation's follow-up steps may still be incomplete.</summary>
    Task<bool> IsPendingAsync(string screeningId, CancellationToken cancellationToken);

    /// <summary>The screening's allocation if its follow-up steps may still be incomplete, else null (one read: the
    /// pending marker carries the allocation).</summary>
    Task<StoredAllocation?> FindPendingAsync(string screeningId, CancellationToken cancellationToken);

    /// <summary>Screening ids of allocations committed before <paramref name="committedBefore"/> whose follow-up is pending.</summary>
    Task<IReadOnlyList<string>> ListPendingAsync(DateTimeOffset committedBefore, CancellationToken cancellationToken);

    /// <summary>Clears the pending marker: every follow-up step is done. Idempotent.</summary>
    Task MarkCompletedAsync(string screeningId, CancellationToken cancellationToken);
}
