using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary>The steps of an allocation; a fault can be injected after each (tests only). The request runs the first
/// three; the <c>participant-events</c> handler runs the rest (the audit record beside the notification).</summary>
public enum AllocationStep
{
    /// <summary>The transaction (state, record, participant row, pending marker) is written: the commit point.</summary>
    Committed,
    ScreeningLinked,
    /// <summary>The <c>participant-events</c> message is sent.</summary>
    EventQueued,
    Audited,
    /// <summary>The <c>participant_allocated</c> notification is sent.</summary>
    NotificationQueued,
}

/// <summary>
/// The fault-injection seam of the allocation workflow. Production registers this no-op; tests register a subclass
/// that throws after a chosen step, to show that a crash there loses and duplicates nothing.
/// </summary>
public class AllocationFaults
{
    public virtual void After(AllocationStep step, string screeningId)
    {
    }
}

/// <summary>
/// What follows the commit of an allocation (which wrote the participant row with the record), in two parts.
/// <list type="number">
/// <item><see cref="AnnounceAsync"/>, before the request answers: the screening's link to the participant, then the
/// <c>participant-events</c> message. After it, everything the coordinator reads next is in place.</item>
/// <item><see cref="FinishAsync"/>, run by the <c>participant-events</c> handler (<see cref="FinishPendingAsync"/>):
/// the <c>allocation.created</c> audit record beside the <c>participant_allocated</c> notification, then clearing the
/// pending marker. Moving these off the request leaves it four storage requests (the screening, the commit, the link,
/// the event): under load the audit trail's one hash chain, the notification and the marker's removal were what
/// allocations waited for (docs/performance.md).</item>
/// </list>
/// Every step is idempotent (the audit record written once by its event key; the link derived from the record alone;
/// messages whose consumers deduplicate), so the request's retry and the sweep may run the whole of it
/// (<see cref="CompleteAsync"/>) any number of times, from any point of failure, beside the handler. The link comes
/// before the event, so the handler never clears the marker of an allocation whose link is still to be written. The
/// marker goes only when every step is done; it is what the retry and the sweep look for.
/// </summary>
public sealed class AllocationFollowUp(
    IScreeningStore screenings,
    IQueueMessageSender queues,
    IAllocationStore allocations,
    IAuditTrail audit,
    AllocationFaults faults,
    ILogger<AllocationFollowUp> logger)
{
    /// <summary>Every step: what a retried request and the sweep run for an allocation still pending.</summary>
    public async Task CompleteAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        await AnnounceAsync(allocation, cancellationToken).ConfigureAwait(false);
        await FinishAsync(allocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The request's part: the screening's link, then the <c>participant-events</c> message that makes the
    /// handler finish the allocation and build the schedule.</summary>
    public async Task AnnounceAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        await screenings.LinkParticipantAsync(allocation.ScreeningId, allocation.ParticipantId, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.ScreeningLinked, allocation.ScreeningId);
        await queues.SendAsync(QueueNames.ParticipantEvents,
            new ParticipantEvent(allocation.ParticipantId, ParticipantEventReasons.Allocated, allocation.ScreeningId), null,
            cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.EventQueued, allocation.ScreeningId);
    }

    /// <summary>
    /// The <c>participant-events</c> handler's part for an <c>allocated</c> event: finishes the screening's allocation if
    /// it is still pending (one read of its marker); a re-delivered or re-sent event finds none and does nothing.
    /// </summary>
    public async Task FinishPendingAsync(string screeningId, CancellationToken cancellationToken)
    {
        if (await allocations.FindPendingAsync(screeningId, cancellationToken).ConfigureAwait(false) is { } allocation)
            await FinishAsync(allocation, cancellationToken).ConfigureAwait(false);
    }

    private async Task FinishAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get(allocation.Allocation.ProtocolVersion);
        var participant = allocation.Participant();
        await Task.WhenAll(AuditAsync(allocation, cancellationToken), NotifyAsync()).ConfigureAwait(false);
        await allocations.MarkCompletedAsync(allocation.ScreeningId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AllocationFollowUpCompleted, "Allocation of {ParticipantId} audited and announced",
            participant.ParticipantId);

        async Task NotifyAsync()
        {
            await queues.SendAsync(QueueNames.Notifications, Notification(participant, protocol), null, cancellationToken).ConfigureAwait(false);
            faults.After(AllocationStep.NotificationQueued, allocation.ScreeningId);
        }
    }

    /// <summary>
    /// The allocation's audit record: the allocating caller as actor (from the stored allocation, whoever completes
    /// it), entity the screening, after-state the allocation as the site sees it (<see cref="AllocationBody"/>) — only
    /// its hash is stored, and nothing of the concealed sequence is in it.
    /// </summary>
    private async Task AuditAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        var record = allocation.Record;
        var actor = new AuditActor(record.Actor, allocation.ActorRole ?? UnrecordedRole, record.RequestId);
        await audit.RecordAsync(actor, new AuditChange(AuditActions.AllocationCreated, "screening", allocation.ScreeningId)
        {
            SiteId = allocation.Allocation.SiteId, After = AllocationBody.From(allocation),
            ProtocolVersion = allocation.Allocation.ProtocolVersion,
            EventKey = $"{AuditActions.AllocationCreated}:{allocation.ScreeningId}",
        }, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.Audited, allocation.ScreeningId);
    }

    /// <summary>The actor's role in an audit record of an allocation stored before roles were kept with it.</summary>
    public const string UnrecordedRole = "unrecorded";

    /// <summary>
    /// The <c>participant_allocated</c> notification. Its id is derived from the participant id and every field from
    /// the record (created at the allocation instant), so a re-sent message is the same message: channels deduplicate
    /// on the id.
    /// </summary>
    public static CoordinatorNotification Notification(ParticipantRecord participant, ProtocolDefinition protocol)
    {
        var arm = protocol.FindArm(participant.Arm)?.Label ?? participant.Arm;
        return new CoordinatorNotification(
            NotificationId(participant.ParticipantId),
            participant.SiteId,
            participant.ParticipantId,
            NotificationKind.ParticipantAllocated,
            VisitId: null,
            Title: $"{participant.ParticipantId} allocated",
            Body: $"Allocated to {arm} on {participant.AllocatedOn:yyyy-MM-dd} (allocation {participant.AllocationNumber}, stratum {participant.Stratum}).",
            WindowStart: null,
            WindowEnd: null,
            DueAt: null,
            CreatedAt: participant.AllocatedAt);
    }

    public static string NotificationId(string participantId) =>
        $"ntf_{participantId}.{NotificationKind.ParticipantAllocated.ToWireName()}";
}
