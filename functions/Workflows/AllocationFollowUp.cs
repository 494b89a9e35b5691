using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary>The steps of an allocation; a fault can be injected after each (tests only). After the commit, the audit record
/// runs beside the participant row, and the link beside the messages.</summary>
public enum AllocationStep
{
    /// <summary>The transaction (state, record, pending marker) is written: the commit point.</summary>
    Committed,
    Audited,
    ParticipantEnrolled,
    ScreeningLinked,
    /// <summary>The <c>participant-events</c> message and the notification are both sent.</summary>
    MessagesQueued,
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
/// What follows the commit of an allocation: the <c>allocation.created</c> audit record, the participant row, the
/// screening's link to it, the <c>participant-events</c> message, the <c>participant_allocated</c> notification, and
/// clearing the pending marker. Every step is idempotent (the audit record written once by its event key; upserts of
/// values derived from the record alone; messages whose consumers deduplicate), so the request's retry and the sweep
/// may both run it, any number of times, from any point of failure. The steps that do not depend on one another run
/// together — the audit record beside the rest; the link and both messages once the participant row exists, which the
/// <c>participant-events</c> handler reads — and the marker goes only when all of them are done.
/// </summary>
public sealed class AllocationFollowUp(
    IParticipantEnrolment participants,
    IScreeningStore screenings,
    IQueueMessageSender queues,
    IAllocationStore allocations,
    IAuditTrail audit,
    AllocationFaults faults,
    ILogger<AllocationFollowUp> logger)
{
    public async Task CompleteAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get(allocation.Allocation.ProtocolVersion);
        var participant = ToParticipant(allocation, protocol);

        await Task.WhenAll(
            AuditAsync(allocation, cancellationToken),
            EnrolAndAnnounceAsync(allocation, participant, protocol, cancellationToken)).ConfigureAwait(false);

        await allocations.MarkCompletedAsync(allocation.ScreeningId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AllocationFollowUpCompleted, "Participant {ParticipantId} enrolled and announced",
            participant.ParticipantId);
    }

    private async Task EnrolAndAnnounceAsync(StoredAllocation allocation, ParticipantRecord participant, ProtocolDefinition protocol,
        CancellationToken cancellationToken)
    {
        await participants.EnrolAsync(participant, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.ParticipantEnrolled, allocation.ScreeningId);

        await Task.WhenAll(LinkAsync(), AnnounceAsync()).ConfigureAwait(false);

        async Task LinkAsync()
        {
            await screenings.LinkParticipantAsync(allocation.ScreeningId, participant.ParticipantId, cancellationToken).ConfigureAwait(false);
            faults.After(AllocationStep.ScreeningLinked, allocation.ScreeningId);
        }

        async Task AnnounceAsync()
        {
            await Task.WhenAll(
                queues.SendAsync(QueueNames.ParticipantEvents,
                    new ParticipantEvent(participant.ParticipantId, ParticipantEventReasons.Allocated), null, cancellationToken),
                queues.SendAsync(QueueNames.Notifications, Notification(participant, protocol), null, cancellationToken)).ConfigureAwait(false);
            faults.After(AllocationStep.MessagesQueued, allocation.ScreeningId);
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

    /// <summary>The participant row: a pure function of the allocation record.</summary>
    public static ParticipantRecord ToParticipant(StoredAllocation allocation, ProtocolDefinition protocol)
    {
        var site = allocation.Allocation;
        return new ParticipantRecord(
            allocation.ParticipantId, site.SiteId, site.ScreeningId, site.Arm, site.Stratum, site.Method, site.AllocationNumber,
            site.AllocatedAt, SiteClock.Today(protocol, site.SiteId, site.AllocatedAt), site.ProtocolVersion);
    }

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
