using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// The schedule half end to end over Azurite and the devhost on a fake clock: allocation event → schedule and
/// reminders in storage → a visit recorded late → reminders replaced → time passes → reminders become inbox
/// notifications exactly once → re-deliveries change nothing → a death cancels what can no longer happen.
/// </summary>
public class ScheduleEndToEndTests(ScheduleHostFixture host) : IClassFixture<ScheduleHostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string P1 = "NATARS-PKUIH-0001";
    private const string P2 = "NATARS-PKUIH-0002";

    private TableClient Table(string name) => new TableServiceClient(host.ConnectionString).GetTableClient(name);

    private QueueClient RawQueue(string name) =>
        new QueueServiceClient(host.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }).GetQueueClient(name);

    private IQueueMessageSender Sender => host.DevHost.Services.GetRequiredService<IQueueMessageSender>();

    private async Task<Dictionary<string, (string Status, string ETag)>> RemindersOfAsync(string participantId)
    {
        var rows = new Dictionary<string, (string, string)>();
        await foreach (var row in Table(TableNames.Reminders).QueryAsync<TableEntity>($"ParticipantId eq '{participantId}'"))
            rows[row.RowKey[(row.RowKey.IndexOf('|') + 1)..]] = (row.GetString("Status")!, row.ETag.ToString()); // RowKey: yyyyMMdd|reminder id
        return rows;
    }

    private async Task<Dictionary<string, string>> VisitsPartitionOfAsync(string participantId)
    {
        var rows = new Dictionary<string, string>();
        await foreach (var row in Table(TableNames.Visits).QueryAsync<TableEntity>($"PartitionKey eq '{participantId}'"))
            rows[row.RowKey] = row.ETag.ToString();
        return rows;
    }

    private async Task QueueDrainedAsync(string queue) =>
        await Eventually.HoldsAsync(async () => (await RawQueue(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
            Patience, $"{queue} is empty");

    private async Task<List<JsonElement>> InboxAsync()
    {
        using var response = await host.Http.GetAsync("api/sites/PKUIH/notifications");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("notifications").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<List<string>> CoordinatorMessagesAsync()
    {
        var peeked = (await RawQueue(QueueNames.CoordinatorNotifications).PeekMessagesAsync(32)).Value;
        return peeked.Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Body.ToString()))).ToList();
    }

    private async Task<JsonElement> ScheduleAsync(string participantId)
    {
        using var response = await host.Http.GetAsync($"api/participants/{participantId}/schedule");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    private void AdvanceTo(DateTimeOffset instant) => host.Time.Advance(instant - host.Time.GetUtcNow());

    private static string Rem(string participantId, string visit, string kind, string due) => $"rem_{participantId}.{visit}.{kind}.{due}T0000Z";

    [Fact]
    public async Task FromAllocationToNotifications_ExactlyOnce_ThroughLateVisitsReDeliveriesAndADeath()
    {
        foreach (var (id, number) in new[] { (P1, 1), (P2, 2) })
        {
            await host.Participants.InsertAsync(new ParticipantRecord(id, "PKUIH", $"scr_{number}", "neoadjuvant", "DDLPS",
                AllocationMethod.PermutedBlocks, number, ScheduleHostFixture.Start, new DateOnly(2026, 11, 29), ProtocolCatalog.Current));
            await Sender.SendAsync(QueueNames.ParticipantEvents, new ParticipantEvent(id, "allocated"), null, CancellationToken.None);
        }

        // The schedule appears: C1D1 due and overdue reminders and three per follow-up visit, all pending.
        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(P1)).Count == 44 && (await RemindersOfAsync(P2)).Count == 44,
            Patience, "both schedules are stored");
        var initial = await RemindersOfAsync(P1);
        Assert.All(initial.Values, r => Assert.Equal("pending", r.Status));
        Assert.Contains(Rem(P1, "C1D1", "visit_due", "20261206"), initial.Keys);
        var followUpIds = initial.Keys.Where(k => k.Contains(".FU", StringComparison.Ordinal)).ToHashSet();
        var schedule = await ScheduleAsync(P1);
        Assert.Equal("due", schedule.GetProperty("visits")[0].GetProperty("status").GetString());
        Assert.Equal("pending_anchor", schedule.GetProperty("visits")[1].GetProperty("status").GetString());

        // The same message delivered twice more changes nothing: no reminder or visit row is written.
        var visitsBefore = await VisitsPartitionOfAsync(P1);
        await Sender.SendAsync(QueueNames.ParticipantEvents, new ParticipantEvent(P1, "allocated"), null, CancellationToken.None);
        await Sender.SendAsync(QueueNames.ParticipantEvents, new ParticipantEvent(P1, "allocated"), null, CancellationToken.None);
        await QueueDrainedAsync(QueueNames.ParticipantEvents);
        Assert.Equal(initial, await RemindersOfAsync(P1));
        Assert.Equal(visitsBefore, await VisitsPartitionOfAsync(P1));

        // 2026-12-09, 08:00 at the site: C1D1's due reminder (12-06) of both participants is released into the inbox.
        AdvanceTo(new DateTimeOffset(2026, 12, 9, 0, 0, 30, TimeSpan.Zero));
        var c1Due = "ntf_" + Rem(P1, "C1D1", "visit_due", "20261206");
        await Eventually.HoldsAsync(async () => (await InboxAsync()).Count(n => n.GetProperty("notificationId").GetString() == c1Due) == 1,
            Patience, "C1D1's due reminder is in the inbox");
        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(P1))[Rem(P1, "C1D1", "visit_due", "20261206")].Status == "sent",
            Patience, "the reminder is marked sent");

        // C1D1 given three days late: C2D1 is anchored on it; C1D1's open reminder goes, the released one stays.
        using (var recorded = await host.Http.PostAsJsonAsync($"api/participants/{P1}/visits/C1D1",
                   new { status = "completed", date = "2026-12-09", data = new { delayReason = "neutropenia" } }))
        {
            Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
            using var body = JsonDocument.Parse(await recorded.Content.ReadAsStringAsync());
            var c2 = body.RootElement.GetProperty("visits")[1];
            Assert.Equal(("C2D1", "2026-12-30"), (c2.GetProperty("visitId").GetString(), c2.GetProperty("targetDate").GetString()));
        }
        var c2Ids = new[] { Rem(P1, "C2D1", "visit_upcoming", "20261220"), Rem(P1, "C2D1", "visit_due", "20261230"), Rem(P1, "C2D1", "visit_overdue", "20270114") };
        // The rebuild adds the new reminders before it cancels the ones no longer wanted: wait for both.
        await Eventually.HoldsAsync(async () =>
        {
            var stored = await RemindersOfAsync(P1);
            return c2Ids.All(stored.ContainsKey) && stored[Rem(P1, "C1D1", "visit_overdue", "20261214")].Status == "cancelled";
        }, Patience, "C2D1's reminders are stored and C1D1's open one is cancelled");
        var afterRecording = await RemindersOfAsync(P1);
        Assert.Equal("cancelled", afterRecording[Rem(P1, "C1D1", "visit_overdue", "20261214")].Status);
        Assert.Equal("sent", afterRecording[Rem(P1, "C1D1", "visit_due", "20261206")].Status);
        Assert.All(c2Ids, id => Assert.Equal("pending", afterRecording[id].Status));
        Assert.Equal(followUpIds, afterRecording.Keys.Where(k => k.Contains(".FU", StringComparison.Ordinal)).ToHashSet());
        Assert.All(followUpIds, id => Assert.Equal(initial[id], afterRecording[id])); // not even rewritten
        Assert.Equal(initial.Count + 3, afterRecording.Count); // cancelled rows stay; nothing duplicated

        // 2026-12-20: C2D1's upcoming reminder is released once; P1's cancelled C1D1 overdue one is not, P2's is.
        AdvanceTo(new DateTimeOffset(2026, 12, 20, 0, 0, 30, TimeSpan.Zero));
        var c2Upcoming = "ntf_" + c2Ids[0];
        await Eventually.HoldsAsync(async () => (await InboxAsync()).Any(n => n.GetProperty("notificationId").GetString() == c2Upcoming),
            Patience, "C2D1's upcoming reminder is in the inbox");
        await QueueDrainedAsync(QueueNames.Notifications);
        var inbox = await InboxAsync();
        Assert.DoesNotContain(inbox, n => n.GetProperty("notificationId").GetString() == "ntf_" + Rem(P1, "C1D1", "visit_overdue", "20261214"));
        Assert.Contains(inbox, n => n.GetProperty("notificationId").GetString() == "ntf_" + Rem(P2, "C1D1", "visit_overdue", "20261214"));
        Assert.Equal(inbox.Count, inbox.Select(n => n.GetProperty("notificationId").GetString()).Distinct().Count());

        // The same notification delivered twice more: still one inbox entry and one outbound message.
        var again = MessageJson.Deserialize<CoordinatorNotification>(inbox.Single(n => n.GetProperty("notificationId").GetString() == c2Upcoming).GetRawText());
        await Sender.SendAsync(QueueNames.Notifications, again with { CreatedAt = host.Time.GetUtcNow() }, null, CancellationToken.None);
        await Sender.SendAsync(QueueNames.Notifications, again, null, CancellationToken.None);
        await QueueDrainedAsync(QueueNames.Notifications);
        Assert.Single(await InboxAsync(), n => n.GetProperty("notificationId").GetString() == c2Upcoming);
        Assert.Single(await CoordinatorMessagesAsync(), m => m.Contains(c2Upcoming, StringComparison.Ordinal));
        Assert.Single(await CoordinatorMessagesAsync(), m => m.Contains(c1Due, StringComparison.Ordinal));

        // The worklist: P1's C2D1 window opens 12-27; P2's C1D1 is overdue.
        using (var worklist = await host.Http.GetAsync("api/sites/PKUIH/worklist?to=2027-01-05"))
        {
            using var body = JsonDocument.Parse(await worklist.Content.ReadAsStringAsync());
            var items = body.RootElement.GetProperty("visits").EnumerateArray()
                .Select(v => $"{v.GetProperty("participantId").GetString()} {v.GetProperty("visitId").GetString()} {v.GetProperty("status").GetString()}").ToList();
            Assert.Equal([$"{P2} C1D1 overdue", $"{P1} C2D1 upcoming"], items);
        }

        // P2 died on 12-19: every later visit is cancelled, and so are their pending reminders.
        using (var died = await host.Http.PostAsync($"api/participants/{P2}/status",
                   new StringContent("""{"status":"died","date":"2026-12-19","cause":"sarcoma"}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Created, died.StatusCode);
        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(P2)).Values.All(r => r.Status != "pending"),
            Patience, "P2's pending reminders are cancelled");
        var p2 = await RemindersOfAsync(P2);
        Assert.Equal("sent", p2[Rem(P2, "C1D1", "visit_overdue", "20261214")].Status);
        Assert.Equal("cancelled", p2[Rem(P2, "FU03", "visit_due", "20270228")].Status);
        var p2Schedule = await ScheduleAsync(P2);
        Assert.All(p2Schedule.GetProperty("visits").EnumerateArray().Where(v => v.GetProperty("visitId").GetString()!.StartsWith("FU", StringComparison.Ordinal)),
            v => Assert.Equal("cancelled", v.GetProperty("status").GetString()));
        Assert.DoesNotContain(p2Schedule.GetProperty("reminders").EnumerateArray(), r => r.GetProperty("status").GetString() == "pending");

        // Later, nothing more is released for P2.
        AdvanceTo(new DateTimeOffset(2027, 3, 1, 0, 0, 30, TimeSpan.Zero));
        await Eventually.HoldsAsync(async () => (await RemindersOfAsync(P1))[Rem(P1, "FU03", "visit_due", "20270228")].Status == "sent",
            Patience, "P1's FU03 reminder is sent");
        await QueueDrainedAsync(QueueNames.Notifications);
        Assert.DoesNotContain(await InboxAsync(), n => n.GetProperty("participantId").GetString() == P2
            && n.GetProperty("dueAt").GetString()!.CompareTo("2026-12-20") > 0);
    }

    [Fact]
    public async Task AMessageTheHandlerCannotRead_IsPoisoned_ThenLoggedOnceByIdAndArchived()
    {
        const string Unreadable = "this is not a participant event";
        await Sender.SendAsync(QueueNames.ParticipantEvents, Unreadable, null, CancellationToken.None);

        // Five failed deliveries move it to participant-events-poison; the poison trigger archives it and removes it.
        var archive = new TableServiceClient(host.ConnectionString).GetTableClient(TableNames.PoisonMessages);
        TableEntity? archived = null;
        await Eventually.HoldsAsync(async () =>
            {
                await foreach (var entity in archive.QueryAsync<TableEntity>(e => e.PartitionKey == QueueNames.ParticipantEvents))
                    if (entity.GetString("MessageText").Contains(Unreadable, StringComparison.Ordinal)) // as sent: a JSON string
                        archived = entity;
                return archived is not null;
            }, Patience, "the poisoned message is archived in PoisonMessages");
        await QueueDrainedAsync(QueueNames.Poison(QueueNames.ParticipantEvents));

        var messageId = archived!.GetString("MessageId");
        Assert.Equal(QueueNames.Poison(QueueNames.ParticipantEvents), archived.GetString("PoisonQueue"));
        var logged = host.Logs.Events.Where(e => e.EventId.Id == LogEvents.PoisonMessage.Id).ToList();
        var line = Assert.Single(logged, e => Equals(e.Values["MessageId"], messageId));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Equal(QueueNames.ParticipantEvents, line.Values["Queue"]);
        Assert.Equal(1L, line.Values["DequeueCount"]);
        Assert.NotNull(line.Values["InsertedOn"]);
        Assert.DoesNotContain(Unreadable, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Events, e => e.Values.Values.Any(v => v?.ToString()?.Contains(Unreadable, StringComparison.Ordinal) == true));
    }
}
