using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Queues;

/// <summary>
/// The <c>-poison</c> queues: a message lands there after failing <c>maxDequeueCount</c> (5) times. Each one is
/// logged once as an error (<see cref="LogEvents.PoisonMessage"/>: queue, message id, dequeue count, insertion time —
/// never the body) and archived in table <c>PoisonMessages</c>, then removed from the poison queue.
/// <para>
/// Why archive rather than leave it on the queue: a queue message expires (the host sets no TTL on poison copies, but
/// anyone peeking cannot search, annotate or keep a history), and a poison queue nobody drains hides new failures
/// behind old ones. The table keeps every poisoned message, keyed by the queue it failed on and its id, with the body
/// exactly as delivered (ids only, by the message contracts), so operations can inspect it and requeue it onto the
/// original queue once the cause is fixed (docs/operations.md, "Poison messages"). The table is trial storage with
/// the same access control as the others. If archiving fails the function throws: the message stays on the poison
/// queue and is delivered again, so nothing is lost.
/// </para>
/// </summary>
public sealed class PoisonMessages(TableServiceClient tables, TimeProvider time, ILogger<PoisonMessages> logger)
{
    [Function(nameof(OnParticipantEventPoisoned))]
    public Task OnParticipantEventPoisoned(
        [QueueTrigger(QueueNames.ParticipantEventsPoison)] QueueMessage message,
        CancellationToken cancellationToken) =>
        ArchiveAsync(QueueNames.ParticipantEvents, message, cancellationToken);

    [Function(nameof(OnNotificationPoisoned))]
    public Task OnNotificationPoisoned(
        [QueueTrigger(QueueNames.NotificationsPoison)] QueueMessage message,
        CancellationToken cancellationToken) =>
        ArchiveAsync(QueueNames.Notifications, message, cancellationToken);

    internal async Task ArchiveAsync(string queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var poisonQueue = QueueNames.Poison(queue);
        var entity = new TableEntity(queue, TableKeys.Escape(message.MessageId))
        {
            ["MessageId"] = message.MessageId,
            ["PoisonQueue"] = poisonQueue,
            ["DequeueCount"] = message.DequeueCount,
            ["InsertedOn"] = message.InsertedOn,
            ["ArchivedAt"] = time.GetUtcNow(),
            ["MessageText"] = message.Body?.ToString() ?? "",
            ["Requeued"] = false,
        };
        try
        {
            await tables.GetTableClient(TableNames.PoisonMessages).AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            logger.LogInformation(LogEvents.PoisonMessageAlreadyArchived,
                "Poison message {MessageId} on {PoisonQueue} was already archived", message.MessageId, poisonQueue);
            return;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(LogEvents.PoisonMessageArchiveFailed, exception,
                "Poison message {MessageId} on {PoisonQueue} could not be archived (attempt {DequeueCount}); it stays on the queue",
                message.MessageId, poisonQueue, message.DequeueCount);
            throw;
        }
        logger.LogError(LogEvents.PoisonMessage,
            "Poison message {MessageId} from {Queue} on {PoisonQueue}: dequeue count {DequeueCount}, inserted {InsertedOn:o}; archived in {Table}",
            message.MessageId, queue, poisonQueue, message.DequeueCount, message.InsertedOn, TableNames.PoisonMessages);
    }
}
