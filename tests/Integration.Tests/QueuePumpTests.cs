using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using RpsServerless.DevHost;

namespace RpsServerless.Integration.Tests;

/// <summary>The devhost's queue pump over real Azurite queues, with the host semantics of host.json.</summary>
[Collection(StorageCollection.Name)]
public class QueuePumpTests(StorageFixture storage)
{
    private static readonly QueueHostOptions FastHost = new()
    {
        BatchSize = 16,
        MaxDequeueCount = 5,
        VisibilityTimeout = TimeSpan.Zero,
        MessageLease = TimeSpan.FromSeconds(30),
        MinPollingInterval = TimeSpan.FromMilliseconds(20),
        MaxPollingInterval = TimeSpan.FromMilliseconds(200),
    };

    private QueueServiceClient Clients(QueueMessageEncoding encoding) =>
        new(storage.ConnectionString, new QueueClientOptions { MessageEncoding = encoding });

    private async Task<int> CountAsync(string queue) =>
        (await Clients(QueueMessageEncoding.None).GetQueueClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task FailingMessage_GoesToPoisonAfterFiveDequeues_AndAGoodMessageIsHandledOnce()
    {
        var queueName = "pump-" + Guid.NewGuid().ToString("N")[..12];
        var producer = Clients(QueueMessageEncoding.Base64).GetQueueClient(queueName);
        await producer.CreateAsync();
        await producer.SendMessageAsync("""{"kind":"bad"}""");
        await producer.SendMessageAsync("""{"kind":"good"}""");

        var attempts = new ConcurrentDictionary<string, int>();
        var pump = new QueuePump(Clients(QueueMessageEncoding.None), queueName, FastHost, (delivery, _) =>
        {
            attempts.AddOrUpdate(delivery.Text, 1, (_, n) => n + 1);
            return delivery.Text.Contains("bad", StringComparison.Ordinal)
                ? throw new InvalidOperationException("this handler always fails")
                : Task.CompletedTask;
        }, NullLogger.Instance);

        using var stop = new CancellationTokenSource();
        var running = pump.RunAsync(stop.Token);
        try
        {
            await Eventually.HoldsAsync(async () => await QueueExistsWithOneMessage(queueName + "-poison") && await CountAsync(queueName) == 0,
                TimeSpan.FromSeconds(45), "the bad message is in the poison queue and the queue is empty");
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(5, attempts["""{"kind":"bad"}"""]);
        Assert.Equal(1, attempts["""{"kind":"good"}"""]);
        var poisoned = (await Clients(QueueMessageEncoding.Base64).GetQueueClient(queueName + "-poison").ReceiveMessageAsync()).Value;
        Assert.Equal("""{"kind":"bad"}""", poisoned.Body.ToString());
    }

    [Fact]
    public async Task MessageThatIsNotBase64_IsPoisonedWithoutRunningTheHandler()
    {
        var queueName = "pump-" + Guid.NewGuid().ToString("N")[..12];
        var raw = Clients(QueueMessageEncoding.None).GetQueueClient(queueName);
        await raw.CreateAsync();
        await raw.SendMessageAsync("not base64 at all!");
        var calls = 0;
        var pump = new QueuePump(Clients(QueueMessageEncoding.None), queueName, FastHost,
            (_, _) => { Interlocked.Increment(ref calls); return Task.CompletedTask; }, NullLogger.Instance);

        Assert.Equal(1, await pump.PumpOnceAsync(CancellationToken.None));

        Assert.Equal(0, calls);
        Assert.Equal(0, await CountAsync(queueName));
        Assert.Equal(1, await CountAsync(queueName + "-poison"));
    }

    [Fact]
    public async Task SlowHandler_KeepsItsMessageHidden()
    {
        var queueName = "pump-" + Guid.NewGuid().ToString("N")[..12];
        var producer = Clients(QueueMessageEncoding.Base64).GetQueueClient(queueName);
        await producer.CreateAsync();
        await producer.SendMessageAsync("slow");
        var calls = 0;
        // Azurite keeps visibility to the second, so a 1 s lease renewed every 0.5 s could lapse on a busy machine (it
        // did once in a full test run); 2 s renewed every second still needs two renewals to hold the message.
        var shortLease = FastHost with { MessageLease = TimeSpan.FromSeconds(2) };
        var pump = new QueuePump(Clients(QueueMessageEncoding.None), queueName, shortLease, async (_, ct) =>
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(TimeSpan.FromSeconds(5), ct); // outlives the 2 s lease twice over: renewal must hold it
        }, NullLogger.Instance);
        var competitor = Clients(QueueMessageEncoding.Base64).GetQueueClient(queueName);

        var handling = pump.PumpOnceAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(Volatile.Read(ref calls) == 1), TimeSpan.FromSeconds(10), "the handler started");
        while (!handling.IsCompleted)
        {
            Assert.Null((await competitor.ReceiveMessageAsync(TimeSpan.FromSeconds(1))).Value);
            await Task.WhenAny(handling, Task.Delay(200));
        }
        Assert.Equal(1, await handling);
        Assert.Equal(0, await CountAsync(queueName));
    }

    private async Task<bool> QueueExistsWithOneMessage(string queue)
    {
        var client = Clients(QueueMessageEncoding.None).GetQueueClient(queue);
        return await client.ExistsAsync() && (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount == 1;
    }
}
