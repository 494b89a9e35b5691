using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using RpsServerless.Functions.Diagnostics;

namespace RpsServerless.DevHost;

/// <summary>One delivery of a queue message to its handler.</summary>
public sealed record QueueDelivery(string MessageId, string Text, long DequeueCount, DateTimeOffset? InsertedOn);

/// <summary>
/// Pumps one storage queue the way the Functions host's queue listener does: receives batches, hides each message
/// while its handler runs (renewing the lease at half-time), deletes it on success, makes it visible again after
/// <see cref="QueueHostOptions.VisibilityTimeout"/> on failure, and after <see cref="QueueHostOptions.MaxDequeueCount"/>
/// failed attempts moves it, unchanged, to <c>&lt;queue&gt;-poison</c>. Empty receives back off exponentially up to
/// <see cref="QueueHostOptions.MaxPollingInterval"/>.
/// The queue client must not decode (<c>QueueMessageEncoding.None</c>): the pump decodes Base64 itself so that a
/// message that is not Base64 is poisoned instead of breaking the batch.
/// </summary>
public sealed class QueuePump(
    QueueServiceClient rawQueues,
    string queueName,
    QueueHostOptions options,
    Func<QueueDelivery, CancellationToken, Task> handler,
    ILogger logger)
{
    private readonly QueueClient _queue = rawQueues.GetQueueClient(queueName);
    private readonly QueueClient _poison = rawQueues.GetQueueClient(queueName + "-poison");

    /// <summary>Whether the queue is known to exist: created once, as the host's listener does, and again after a failure.</summary>
    private bool _queueExists;

    public string QueueName => queueName;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var wait = options.MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var handled = await PumpOnceAsync(stoppingToken);
                wait = handled > 0 ? options.MinPollingInterval : Min(wait * 2, options.MaxPollingInterval);
                if (handled > 0)
                    continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Storage down or the queue gone: keep polling at the slowest pace until it is back.
                logger.LogWarning(LogEvents.QueuePumpFailed, exception, "Receiving from {Queue} failed", queueName);
                wait = options.MaxPollingInterval;
                _queueExists = false; // storage may come back without it
            }
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Receives one batch and handles it to the end. Returns the number of messages received.</summary>
    public async Task<int> PumpOnceAsync(CancellationToken cancellationToken)
    {
        if (!_queueExists)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _queueExists = true;
        }
        var batch = (await _queue.ReceiveMessagesAsync(options.BatchSize, options.MessageLease, cancellationToken)).Value;
        await Task.WhenAll(batch.Select(message => HandleAsync(message, cancellationToken)));
        return batch.Length;
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object>
        {
            ["Queue"] = queueName,
            ["MessageId"] = message.MessageId,
            ["DequeueCount"] = message.DequeueCount,
        });

        // Delivered more often than allowed without a verdict (a host crashed mid-way): do not try again.
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await PoisonAsync(message, message.PopReceipt, "dequeued too often", cancellationToken);
            return;
        }

        var text = Decode(message.Body);
        if (text is null)
        {
            await PoisonAsync(message, message.PopReceipt, "not Base64", cancellationToken);
            return;
        }

        var lease = new MessageLease(_queue, message, options.MessageLease, logger);
        using var handlerDone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = lease.RenewUntilAsync(handlerDone.Token);
        Exception? failure = null;
        try
        {
            await handler(new QueueDelivery(message.MessageId, text, message.DequeueCount, message.InsertedOn), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            failure = exception;
        }
        finally
        {
            await handlerDone.CancelAsync();
            await renewal;
        }

        if (failure is null)
        {
            await _queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, cancellationToken);
            logger.LogInformation(LogEvents.QueueMessageHandled, "Handled message {MessageId} from {Queue}", message.MessageId, queueName);
        }
        else if (message.DequeueCount >= options.MaxDequeueCount)
        {
            logger.LogError(LogEvents.QueueMessageFailed, failure, "Message {MessageId} from {Queue} failed on attempt {DequeueCount}",
                message.MessageId, queueName, message.DequeueCount);
            await PoisonAsync(message, lease.PopReceipt, "failed on every attempt", cancellationToken);
        }
        else
        {
            logger.LogWarning(LogEvents.QueueMessageFailed, failure, "Message {MessageId} from {Queue} failed on attempt {DequeueCount}; retried",
                message.MessageId, queueName, message.DequeueCount);
            await _queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: options.VisibilityTimeout,
                cancellationToken: cancellationToken);
        }
    }

    private async Task PoisonAsync(QueueMessage message, string popReceipt, string reason, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        // The body moves as it is (still Base64), so the poison queue can be replayed onto the original queue.
        await _poison.SendMessageAsync(message.Body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken);
        logger.LogError(LogEvents.QueueMessagePoisoned, "Message {MessageId} moved from {Queue} to {PoisonQueue} after {DequeueCount} attempts: {Reason}",
            message.MessageId, queueName, _poison.Name, message.DequeueCount, reason);
    }

    private string? Decode(BinaryData body)
    {
        var raw = body.ToString();
        if (!options.Base64)
            return raw;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(raw));
        }
        catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Keeps a message hidden while its handler runs; the pop receipt changes with every renewal.</summary>
    private sealed class MessageLease(QueueClient queue, QueueMessage message, TimeSpan lease, ILogger logger)
    {
        public string PopReceipt { get; private set; } = message.PopReceipt;

        public async Task RenewUntilAsync(CancellationToken done)
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(lease / 2, done);
                    // Not cancelled mid-flight: a renewal the service applied must update the pop receipt we delete with.
                    var renewed = await queue.UpdateMessageAsync(message.MessageId, PopReceipt, visibilityTimeout: lease, cancellationToken: CancellationToken.None);
                    PopReceipt = renewed.Value.PopReceipt;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (RequestFailedException exception)
                {
                    logger.LogWarning(LogEvents.QueuePumpFailed, exception, "Could not renew the lease of message {MessageId}", message.MessageId);
                }
            }
        }
    }
}
