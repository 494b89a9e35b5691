using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage.Allocations;

namespace RpsServerless.Functions.Workflows;

/// <summary>
/// The sweep: finds allocations whose follow-up is still pending (a crash or outage after the commit, and no retry
/// since) and completes them. Markers younger than <see cref="Grace"/> are left to the request and to the
/// <c>participant-events</c> handler, which finishes every allocation from the queue.
/// </summary>
public sealed class CompletePendingAllocations(
    IAllocationStore allocations, AllocationFollowUp followUp, TimeProvider time, ILogger<CompletePendingAllocations> logger)
{
    /// <summary>Longer than a busy <c>participant-events</c> queue takes to reach an allocation's event (seconds to a
    /// minute after a burst of hundreds), so that the sweep repairs what stopped instead of racing the handler.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    /// <returns>How many allocations were completed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var pending = await allocations.ListPendingAsync(time.GetUtcNow() - Grace, cancellationToken).ConfigureAwait(false);
        var completed = 0;
        foreach (var screeningId in pending)
        {
            using var scope = logger.BeginScreening(screeningId);
            var allocation = await allocations.FindAsync(screeningId, cancellationToken).ConfigureAwait(false);
            if (allocation is null)
            {
                // Marker and record are written in one transaction and the record is never deleted: this is corruption.
                logger.LogError(LogEvents.AllocationSweep, "Pending marker without an allocation record");
                continue;
            }
            using var participantScope = logger.BeginParticipant(allocation.ParticipantId);
            try
            {
                await followUp.CompleteAsync(allocation, cancellationToken).ConfigureAwait(false);
                completed++;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(LogEvents.AllocationFollowUpDeferred, exception,
                    "Sweep could not complete {ParticipantId}; the next sweep tries again", allocation.ParticipantId);
            }
        }
        if (pending.Count > 0)
            logger.LogInformation(LogEvents.AllocationSweep, "Sweep completed {Completed} of {Pending} pending allocations",
                completed, pending.Count);
        return completed;
    }
}
