using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging.Abstractions;
using RpsServerless.Functions.Messaging;

namespace RpsServerless.Functions.Tests;

/// <summary>
/// The Service Bus adapter against the SDK's mockable <see cref="ServiceBusSender"/> (no Service Bus emulator runs
/// here): what goes on the wire is checked, not that a namespace accepts it.
/// </summary>
public class NotificationChannelTests
{
    internal static CoordinatorNotification Sample => new(
        "ntf_01", "PKUIH", "NATARS-PKUIH-0007", NotificationKind.VisitDue, "C2D1", "Cycle 2 day 1 due today",
        "Window 2026-12-17 to 2027-01-03. Check CBC before dosing.", new DateOnly(2026, 12, 17), new DateOnly(2027, 1, 3),
        new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 20, 0, 0, 3, TimeSpan.Zero));

    private sealed class RecordingSender : ServiceBusSender
    {
        public List<ServiceBusMessage> Sent { get; } = [];

        public override Task SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ServiceBusMessage_IsKeyedByNotificationId_AndCarriesTheSite()
    {
        var sender = new RecordingSender();
        var channel = new ServiceBusNotificationChannel(sender, NullLogger<ServiceBusNotificationChannel>.Instance);

        await channel.SendAsync(Sample, CancellationToken.None);

        var message = Assert.Single(sender.Sent);
        Assert.Equal("ntf_01", message.MessageId);
        Assert.Equal("PKUIH", message.ApplicationProperties["siteId"]);
        Assert.Equal("visit_due", message.Subject);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(ExpectedJson, message.Body.ToString());
    }

    [Fact]
    public async Task SendingTwice_SendsTheSameMessageId()
    {
        var sender = new RecordingSender();
        var channel = new ServiceBusNotificationChannel(sender, NullLogger<ServiceBusNotificationChannel>.Instance);
        await channel.SendAsync(Sample, CancellationToken.None);
        await channel.SendAsync(Sample, CancellationToken.None);
        Assert.Equal(sender.Sent[0].MessageId, sender.Sent[1].MessageId);
    }

    /// <summary>Exactly the api.md "Notifications" shape.</summary>
    internal const string ExpectedJson =
        "{\"notificationId\":\"ntf_01\",\"siteId\":\"PKUIH\",\"participantId\":\"NATARS-PKUIH-0007\",\"kind\":\"visit_due\",\"visitId\":\"C2D1\"," +
        "\"title\":\"Cycle 2 day 1 due today\",\"body\":\"Window 2026-12-17 to 2027-01-03. Check CBC before dosing.\"," +
        "\"windowStart\":\"2026-12-17\",\"windowEnd\":\"2027-01-03\",\"dueAt\":\"2026-12-20T00:00:00Z\",\"createdAt\":\"2026-12-20T00:00:03Z\"}";

    [Fact]
    public void NotificationJson_HasTheApiShape()
    {
        var json = JsonDocument.Parse(MessageJson.Serialize(Sample)).RootElement;
        Assert.Equal(
            ["notificationId", "siteId", "participantId", "kind", "visitId", "title", "body", "windowStart", "windowEnd", "dueAt", "createdAt"],
            json.EnumerateObject().Select(property => property.Name));
    }

    [Fact]
    public void NotificationJson_RoundTrips()
    {
        Assert.Equal(Sample, MessageJson.Deserialize<CoordinatorNotification>(MessageJson.Serialize(Sample)));
    }
}
