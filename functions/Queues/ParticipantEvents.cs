using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Queues;

/// <summary>
/// Queue <c>participant-events</c>: rebuild the participant's schedule; on an <c>allocated</c> event then finish the
/// allocation (audit record, notification) if it is still pending. The schedule comes first so that nothing wrong with
/// the finishing holds it up: a finishing step that keeps failing poisons the message with the schedule built, and
/// the <c>CompleteAllocations</c> sweep finishes the allocation from its pending marker.
/// </summary>
public sealed class ParticipantEvents(
    RebuildSchedule rebuild, AllocationFollowUp allocationFollowUp, ILogger<ParticipantEvents> logger)
{
    [Function(nameof(OnParticipantEvent))]
    public async Task OnParticipantEvent(
        [QueueTrigger(QueueNames.ParticipantEvents)] string message,
        CancellationToken cancellationToken)
    {
        var participantEvent = QueueMessages.Read<ParticipantEvent>(message, logger, QueueNames.ParticipantEvents);
        if (string.IsNullOrWhiteSpace(participantEvent.ParticipantId))
            throw QueueMessages.Reject(logger, QueueNames.ParticipantEvents, "no participant id");
        using var scope = logger.BeginParticipant(participantEvent.ParticipantId);
        try
        {
            await rebuild.RunAsync(participantEvent, cancellationToken).ConfigureAwait(false);
            if (participantEvent is { Reason: ParticipantEventReasons.Allocated, ScreeningId: { } screeningId })
                await allocationFollowUp.FinishPendingAsync(screeningId, cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownParticipantException exception)
        {
            logger.LogError(LogEvents.QueueMessageRejected, exception, "Message on {Queue} names an unknown participant {ParticipantId}",
                QueueNames.ParticipantEvents, participantEvent.ParticipantId);
            throw;
        }
    }
}

/// <summary>Reading queue payloads: a message that is not the expected JSON is logged and thrown, so the host retries and then poisons it.</summary>
internal static class QueueMessages
{
    public static T Read<T>(string message, ILogger logger, string queue) where T : class
    {
        try
        {
            return MessageJson.Deserialize<T>(message);
        }
        catch (JsonException exception)
        {
            // The content is not logged: it may carry clinical text.
            throw Reject(logger, queue, $"not a {typeof(T).Name} (at {exception.Path ?? "$"})");
        }
    }

    public static InvalidDataException Reject(ILogger logger, string queue, string why)
    {
        logger.LogError(LogEvents.QueueMessageRejected, "Message on {Queue} rejected: {Why}", queue, why);
        return new InvalidDataException($"Message on {queue} rejected: {why}.");
    }
}
