using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary>What an allocation request came to.</summary>
public abstract record AllocationResult
{
    private AllocationResult()
    {
    }

    public sealed record ScreeningNotFound : AllocationResult;

    /// <summary>The screening is not <c>eligible</c>; nothing was allocated.</summary>
    public sealed record NotEligible(ScreeningRecord Screening) : AllocationResult;

    /// <summary>The request body does not fit the protocol's method (e.g. an arm under permuted blocks).</summary>
    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : AllocationResult;

    /// <summary>The screening's allocation; <paramref name="IsNew"/> when this request made it.</summary>
    public sealed record Allocated(StoredAllocation Allocation, bool IsNew) : AllocationResult;

    /// <summary>Nothing was written; retry later (no seed configured, or the allocation partition too contended).</summary>
    public sealed record Unavailable(TimeSpan RetryAfter) : AllocationResult;
}

/// <summary>
/// <c>POST /api/screenings/{id}/allocation</c>. The commit point is one entity-group transaction in the allocation
/// partition: the state replaced ETag-checked, the record inserted under the screening id beside the participant row
/// and a pending marker. Whoever loses the race reloads and retries (bounded, with jitter), or finds that the screening
/// was allocated by the winner and returns that allocation. Everything after the commit (<see cref="AllocationFollowUp"/>:
/// this request writes the screening's link and sends the event; the event's handler audits and notifies) is
/// idempotent and repaired by a retried request or by the sweep.
/// </summary>
public sealed class AllocateScreening(
    IScreeningStore screenings,
    IAllocationStore allocations,
    AllocationFollowUp followUp,
    AllocationSeedSource seeds,
    AllocationFaults faults,
    TimeProvider time,
    ILogger<AllocateScreening> logger)
{
    /// <summary>Commit attempts before giving up with 503: each lost attempt means another allocation committed.</summary>
    public const int MaxAttempts = 40;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _commitTurn = new(1, 1);

    /// <summary>
    /// The state as this instance last committed it, with its version; read and written only in the commit turn. The
    /// next allocation starts from it instead of reading the state back: if another instance committed meanwhile, the
    /// version no longer matches, nothing is written, and the state is read afresh.
    /// </summary>
    private LoadedAllocationState? _lastCommitted;
    public static readonly TimeSpan RetryAfterContended = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RetryAfterNoSeed = TimeSpan.FromSeconds(60);

    /// <param name="caller">Who asks: its id and the request id are recorded in the allocation record; it must hold
    /// <see cref="Permission.Allocate"/> at the screening's site (else the same answer as an unknown screening).</param>
    /// <param name="assignment">The body under the <c>assigned</c> method; null for an empty body.</param>
    public async Task<AllocationResult> RunAsync(CallerContext caller, string screeningId, ArmAssignment? assignment,
        CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScreening(screeningId);
        var screening = await screenings.FindAsync(screeningId, cancellationToken).ConfigureAwait(false);
        if (screening is null || caller.RequireSite(screening.SiteId) is not null)
            return new AllocationResult.ScreeningNotFound();
        var actor = caller.Caller.Id;
        var requestId = caller.RequestId;

        // Idempotent per screening: an allocation that exists is the answer, whatever the body says this time. It is
        // looked up wherever this request would otherwise answer something else — the screening already links to its
        // participant, or the request would be refused — and the commit's insert of the record under the screening id
        // finds it everywhere else (a refused commit reads it). A first request reads nothing extra.
        if (screening.ParticipantId is not null && await ExistingAsync(caller, screeningId, cancellationToken).ConfigureAwait(false) is { } linked)
            return linked;

        if (screening.Outcome != EligibilityOutcome.Eligible || screening.Evaluation.Derived.Stratum is null)
        {
            logger.LogInformation(LogEvents.AllocationNotEligible, "Allocation refused: the screening is {Outcome}",
                ContractName.Of(screening.Outcome));
            return await ExistingAsync(caller, screeningId, cancellationToken).ConfigureAwait(false)
                   ?? new AllocationResult.NotEligible(screening);
        }

        // The screening is allocated under the protocol version that judged it eligible.
        var protocol = ProtocolCatalog.Get(screening.ProtocolVersion);
        AllocationSeed? seed = null;
        if (protocol.Allocation.Method != AllocationMethod.Assigned && (seed = seeds.TryGet()) is null)
            return await ExistingAsync(caller, screeningId, cancellationToken).ConfigureAwait(false)
                   ?? new AllocationResult.Unavailable(RetryAfterNoSeed);

        AllocationResult.Invalid? invalid = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            StoredAllocation allocation;
            LoadedAllocationState? committed;
            bool fromMemory;
            // One commit at a time in this instance: concurrent requests here would only collide on the state row's
            // ETag and back off, so they take turns instead (read → decide → commit is a few milliseconds). Across
            // instances the ETag check still decides, and the loser reloads as before.
            await _commitTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                fromMemory = _lastCommitted is not null;
                var loaded = _lastCommitted ?? await allocations.LoadStateAsync(cancellationToken).ConfigureAwait(false);
                var request = new AllocationRequest(screeningId, screening.SiteId, screening.Evaluation.Derived.Stratum, actor, requestId,
                    time.GetUtcNow(), assignment);
                var outcome = Allocator.Allocate(protocol, loaded.State, request, seed);
                if (outcome is AllocationOutcome.Rejected rejected)
                {
                    logger.LogInformation(LogEvents.AllocationRejected, "Allocation request refused with {ErrorCount} field errors", rejected.Errors.Count);
                    invalid = new AllocationResult.Invalid(rejected.Errors);
                    break;
                }

                var allocated = (AllocationOutcome.Allocated)outcome;
                // The participant number at the site comes from the same ETag-checked state as the slot: the state counts
                // every allocation per site (under every method), so number n+1 is taken by exactly the commit that moves
                // the site's count from n to n+1 — no gaps, no repeats, no second counter to keep in step.
                var numberAtSite = loaded.State.SiteCounts(screening.SiteId).Values.Sum() + 1;
                var participantId = ParticipantIds.Format(protocol.Trial.Acronym, screening.SiteId, numberAtSite);
                allocation = new StoredAllocation(participantId, allocated.Record, caller.Actor.Role);

                committed = await allocations.CommitAsync(loaded, allocated.State, allocation, cancellationToken).ConfigureAwait(false);
                _lastCommitted = committed;
            }
            catch
            {
                _lastCommitted = null; // storage failed mid-commit: whether it was written is unknown until read
                throw;
            }
            finally
            {
                _commitTurn.Release();
            }

            if (committed is not null)
            {
                using var participantScope = logger.BeginParticipant(allocation.ParticipantId);
                logger.LogInformation(LogEvents.AllocationCommitted,
                    "Allocated {ParticipantId} to {Arm}: allocation {AllocationNumber} in stratum {Stratum} (attempt {Attempt})",
                    allocation.ParticipantId, allocation.Allocation.Arm, allocation.Allocation.AllocationNumber, allocation.Allocation.Stratum, attempt);
                await FollowUpAsync(allocation, afterCommit: true, cancellationToken).ConfigureAwait(false);
                return new AllocationResult.Allocated(allocation, IsNew: true);
            }

            // Lost the race: either another request allocated this very screening, or another screening took the slot.
            if (await ExistingAsync(caller, screeningId, cancellationToken).ConfigureAwait(false) is { } winner)
                return winner;
            logger.LogDebug(LogEvents.AllocationStateChanged, "Allocation state changed under attempt {Attempt}; reloading", attempt);
            // A state remembered from this instance's last commit was merely stale (another instance committed since):
            // read it afresh at once. A state just read was overtaken by a racing commit: back off first.
            if (!fromMemory)
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
        }

        if (invalid is not null)
            return await ExistingAsync(caller, screeningId, cancellationToken).ConfigureAwait(false) ?? invalid;
        logger.LogWarning(LogEvents.AllocationContended, "Allocation gave up after {Attempts} contended attempts; nothing written", MaxAttempts);
        return new AllocationResult.Unavailable(RetryAfterContended);
    }

    /// <summary>The screening's allocation if one exists (completing its follow-up if still pending), else null.</summary>
    private async Task<AllocationResult?> ExistingAsync(CallerContext caller, string screeningId, CancellationToken cancellationToken) =>
        await allocations.FindAsync(screeningId, cancellationToken).ConfigureAwait(false) is { } existing
            ? await ReturnExistingAsync(caller, existing, cancellationToken).ConfigureAwait(false)
            : null;

    private async Task<AllocationResult> ReturnExistingAsync(CallerContext caller, StoredAllocation existing, CancellationToken cancellationToken)
    {
        using var participantScope = logger.BeginParticipant(existing.ParticipantId);
        logger.LogInformation(LogEvents.AllocationReturned, "Screening already allocated as {ParticipantId}; returned that allocation",
            existing.ParticipantId);
        // The request that committed may have stopped before its audit record or follow-up: this retry completes them.
        if (await allocations.IsPendingAsync(existing.ScreeningId, cancellationToken).ConfigureAwait(false))
            await FollowUpAsync(existing, afterCommit: false, cancellationToken).ConfigureAwait(false);
        return new AllocationResult.Allocated(existing, IsNew: false);
    }

    /// <summary>
    /// Runs the follow-up: after this request's commit the request's part of it (the <c>participant-events</c> handler
    /// finishes the rest), for an allocation found pending all of it. A failure does not undo or hide the committed
    /// allocation: it is logged, the caller gets the allocation, and the pending marker stays for a retry or the sweep.
    /// </summary>
    private async Task FollowUpAsync(StoredAllocation allocation, bool afterCommit, CancellationToken cancellationToken)
    {
        try
        {
            if (afterCommit)
            {
                faults.After(AllocationStep.Committed, allocation.ScreeningId);
                await followUp.AnnounceAsync(allocation, cancellationToken).ConfigureAwait(false);
            }
            else
                await followUp.CompleteAsync(allocation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(LogEvents.AllocationFollowUpDeferred, exception,
                "Follow-up of {ParticipantId} incomplete; a retry or the sweep completes it", allocation.ParticipantId);
        }
    }

    /// <summary>Full jitter, growing from 10 ms to <see cref="MaxBackoff"/>, so contenders spread out instead of colliding again.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, 10 * Math.Pow(2, Math.Min(attempt, 10)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
