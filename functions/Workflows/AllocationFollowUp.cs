using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary>The steps of an allocation, in order; a fault can be injected after each (tests only).</summary>
public enum AllocationStep
{
    /// <summary>The transaction (state, record, pending marker) is written: the commit point.</summary>
    Committed,
    ParticipantEnrolled,
    ScreeningLinked,
    ParticipantEventQueued,
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
/// What follows the commit of an allocation: the participant row, the screening's link to it, the
/// <c>participant-events</c> message, the <c>participant_allocated</c> notification, and clearing the pending marker.
/// Every step is idempotent (upserts of values derived from the record alone; messages whose consumers deduplicate),
/// so the request's retry and the sweep may both run it, any number of times, from any point of failure.
/// </summary>
public sealed class AllocationFollowUp(
    IParticipantEnrolment participants,
    IScreeningStore screenings,
    IQueueMessageSender queues,
    IAllocationStore allocations,
    AllocationFaults faults,
    ILogger<AllocationFollowUp> logger)
{
    public async Task CompleteAsync(StoredAllocation allocation, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get(allocation.Allocation.ProtocolVersion);
        var participant = ToParticipant(allocation, protocol);

        await participants.EnrolAsync(participant, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.ParticipantEnrolled, allocation.ScreeningId);

        await screenings.LinkParticipantAsync(allocation.ScreeningId, participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.ScreeningLinked, allocation.ScreeningId);

        await queues.SendAsync(QueueNames.ParticipantEvents,
            new ParticipantEvent(participant.ParticipantId, ParticipantEventReasons.Allocated), null, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.ParticipantEventQueued, allocation.ScreeningId);

        await queues.SendAsync(QueueNames.Notifications, Notification(participant, protocol), null, cancellationToken).ConfigureAwait(false);
        faults.After(AllocationStep.NotificationQueued, allocation.ScreeningId);

        await allocations.MarkCompletedAsync(allocation.ScreeningId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AllocationFollowUpCompleted, "Participant {ParticipantId} enrolled and announced",
            participant.ParticipantId);
    }

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
