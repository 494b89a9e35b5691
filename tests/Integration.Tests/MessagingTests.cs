using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Functions;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;

namespace RpsServerless.Integration.Tests;

/// <summary>The storage-queue producers over Azurite: Base64 JSON, as the queue trigger and downstream readers expect.</summary>
[Collection(StorageCollection.Name)]
public class MessagingTests(StorageFixture storage)
{
    private ServiceProvider Composition()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(StorageConnection.SettingName, storage.ConnectionString)]).Build();
        return new ServiceCollection().AddLogging().AddRpsServerless(configuration).BuildServiceProvider();
    }

    private QueueClient RawQueue(string name) =>
        new QueueServiceClient(storage.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);

    [Fact]
    public async Task StorageQueueChannel_PutsTheNotificationOnCoordinatorNotifications_InBase64()
    {
        await using var services = Composition();
        var id = "ntf_" + Guid.NewGuid().ToString("N");
        var notification = new CoordinatorNotification(id, "PKUIH", "NATARS-PKUIH-0007", NotificationKind.ParticipantAllocated, null,
            "Allocated", "Allocated to neoadjuvant.", null, null, null, new DateTimeOffset(2026, 11, 29, 8, 1, 2, TimeSpan.Zero));

        var channel = Assert.Single(services.GetServices<INotificationChannel>());
        await channel.SendAsync(notification, CancellationToken.None);

        var messages = (await RawQueue(QueueNames.CoordinatorNotifications).PeekMessagesAsync(32)).Value;
        var texts = messages.Select(message => Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString())));
        var mine = Assert.Single(texts, text => text.Contains(id, StringComparison.Ordinal));
        using var json = JsonDocument.Parse(mine);
        Assert.Equal("participant_allocated", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("2026-11-29T08:01:02Z", json.RootElement.GetProperty("createdAt").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("visitId").ValueKind);
    }

    [Fact]
    public async Task QueueMessageSender_RefusesDelaysOverSevenDays()
    {
        await using var services = Composition();
        var sender = services.GetRequiredService<IQueueMessageSender>();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            sender.SendAsync(QueueNames.ParticipantEvents, new { participantId = "x" }, TimeSpan.FromDays(8), CancellationToken.None));
    }
}
