using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Functions.Messaging;

/// <summary>Puts work on a storage queue of this app (<c>participant-events</c>, <c>notifications</c>).</summary>
public interface IQueueMessageSender
{
    /// <param name="visibilityDelay">Up to 7 days (the service refuses more): long waits belong in tables.</param>
    Task SendAsync<T>(string queueName, T message, TimeSpan? visibilityDelay, CancellationToken cancellationToken);
}

/// <summary>JSON messages, Base64-encoded by the client (see <see cref="StorageConnection.CreateQueueServiceClient"/>) as the queue trigger expects.</summary>
public sealed class StorageQueueMessageSender(QueueServiceClient queues, StorageProvisioner provisioner, ILogger<StorageQueueMessageSender> logger)
    : IQueueMessageSender
{
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7);

    public async Task SendAsync<T>(string queueName, T message, TimeSpan? visibilityDelay, CancellationToken cancellationToken)
    {
        if (visibilityDelay > MaxVisibilityDelay)
            throw new ArgumentOutOfRangeException(nameof(visibilityDelay), visibilityDelay, "A queue message can be delayed at most 7 days.");
        await provisioner.EnsureProvisionedAsync(cancellationToken).ConfigureAwait(false);
        var receipt = await queues.GetQueueClient(queueName)
            .SendMessageAsync(MessageJson.Serialize(message), visibilityDelay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation(LogEvents.QueueMessageSent, "Queued message {MessageId} on {Queue}", receipt.Value.MessageId, queueName);
    }
}
