using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;
using RpsServerless.Functions.Workflows;
using static RpsServerless.Functions.Tests.SchedulingHarness;

namespace RpsServerless.Functions.Tests;

/// <summary>The reminder timer and the <c>notifications</c> function.</summary>
public class ReminderReleaseTests
{
    private static async Task<SchedulingHarness> BuiltAsync()
    {
        var h = new SchedulingHarness();
        h.Allocate();
        await h.DeliverParticipantEventAsync();
        return h;
    }

    private static List<CoordinatorNotification> Queued(SchedulingHarness h) => h.Queue.On<CoordinatorNotification>(QueueNames.Notifications);

    [Fact]
    public async Task NothingIsReleasedBeforeItIsDue()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 5));
        await h.RunTimerAsync();
        Assert.Empty(Queued(h));
    }

    [Fact]
    public async Task TheSchedule_ShowsWhatWasReleased_ReadingOnlyTheRemindersTheTimerMayHaveTaken()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        await h.RunTimerAsync();
        h.Reminders.StatusReads.Clear();

        var request = TestHttp.Get($"/api/participants/{ParticipantId}/schedule");
        var written = await TestHttp.ExecuteAsync(await h.ScheduleFunctions.GetSchedule(request, ParticipantId, CancellationToken.None), request);

        Assert.Equal(200, written.Status);
        var shown = written.Json.GetProperty("reminders").EnumerateArray()
            .ToDictionary(r => r.GetProperty("reminderId").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal("queued", shown["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"]);
        Assert.All(shown.Where(r => r.Key != "rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"), r => Assert.Equal("pending", r.Value));
        // Read: the reminders due by now plus the clock margin (a day) — not the dozens due in later years.
        var now = h.Time.GetUtcNow();
        var expected = h.Reminders.Rows.Values.Where(r => r.Reminder.DueAt <= now.AddDays(1)).Select(r => r.Reminder.ReminderId).Order();
        Assert.Equal(expected, h.Reminders.StatusReads.Order());
        Assert.Contains("rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z", h.Reminders.StatusReads);
        Assert.True(shown.Count > h.Reminders.StatusReads.Count * 5, $"{h.Reminders.StatusReads.Count} of {shown.Count} read");
    }

    [Fact]
    public async Task EachDueReminder_IsReleasedOnce_AcrossRuns()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6)); // C1D1 due, 08:00 at the site = 00:00Z

        await h.RunTimerAsync();
        await h.RunTimerAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.RunTimerAsync();

        var notification = Assert.Single(Queued(h));
        Assert.Equal("ntf_rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z", notification.NotificationId);
        Assert.Equal((NotificationKind.VisitDue, "C1D1", "Cycle 1 day 1 due today"), (notification.Kind, notification.VisitId, notification.Title));
        Assert.Equal((new DateOnly(2026, 11, 29), new DateOnly(2026, 12, 13)), (notification.WindowStart!.Value, notification.WindowEnd!.Value));
        Assert.Equal(ReminderStatus.Queued, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);
        // The cursor moved up to today: earlier partitions are not read again.
        Assert.Equal(new DateOnly(2026, 12, 6), h.Reminders.Cursor!.Value.Bucket);
    }

    [Fact]
    public async Task AfterDowntime_EveryMissedReminderIsReleased()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 20)); // C1D1 due (12-06) and overdue (12-14) both passed
        await h.RunTimerAsync();
        Assert.Equal(["C1D1 VisitDue", "C1D1 VisitOverdue"], Queued(h).Select(n => $"{n.VisitId} {n.Kind}").Order());
    }

    [Fact]
    public async Task TwoOverlappingRuns_MarkItQueuedOnce_TheDuplicateMessageHasTheSameId()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        // A second run reads the same pending row before the first one marks it queued.
        var release = new ReleaseReminders(h.Reminders, h.Queue, h.Time, Microsoft.Extensions.Logging.Abstractions.NullLogger<ReleaseReminders>.Instance);
        ReleaseOutcome? inner = null;
        h.Reminders.AfterPendingRead = () =>
        {
            h.Reminders.AfterPendingRead = null;
            inner = release.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
        };
        var outer = await release.RunAsync(CancellationToken.None);

        Assert.Equal((1, 0), (inner!.Released, inner.Raced));
        Assert.Equal((0, 1), (outer.Released, outer.Raced));
        var sent = Queued(h);
        Assert.Equal(2, sent.Count);
        Assert.Single(sent.Select(n => n.NotificationId).Distinct());

        // The consumer keeps one inbox entry and one delivery per channel.
        await h.DeliverQueuedNotificationsAsync();
        Assert.Single(h.Inbox.Entries);
        Assert.All(h.Channels, channel => Assert.Single(channel.Sent));
    }

    [Fact]
    public async Task AFailedSend_LeavesTheReminderPending_AndTheNextRunSendsIt()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        h.Queue.FailWith = new Azure.RequestFailedException(503, "queue down");
        await Assert.ThrowsAsync<Azure.RequestFailedException>(h.RunTimerAsync);
        Assert.Equal(ReminderStatus.Pending, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);

        h.Queue.FailWith = null;
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.RunTimerAsync();
        Assert.Single(Queued(h));
        Assert.Equal(ReminderStatus.Queued, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);
    }

    [Fact]
    public async Task AReminderAddedInAPastPartition_AfterTheCursorPassedIt_IsStillReleased()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2027, 1, 5));
        await h.RunTimerAsync();
        Assert.Equal(new DateOnly(2027, 1, 5), h.Reminders.Cursor!.Value.Bucket);
        await h.DeliverQueuedNotificationsAsync();

        // Recorded late: C2D1's reminders (upcoming 12-20, due 12-30) already lie in the past.
        var request = TestHttp.Post($"/api/participants/{ParticipantId}/visits/C1D1", """{"status":"completed","date":"2026-12-09"}""");
        await h.ScheduleFunctions.RecordVisit(request, ParticipantId, "C1D1", CancellationToken.None);
        await h.DeliverParticipantEventAsync(reason: "visit_recorded");
        Assert.Equal(new DateOnly(2026, 12, 20), h.Reminders.Cursor!.Value.Bucket);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.RunTimerAsync();
        Assert.Equal(["VisitDue", "VisitUpcoming"], Queued(h).Where(n => n.VisitId == "C2D1").Select(n => n.Kind.ToString()).Order());
    }

    [Fact]
    public async Task Notification_IsStoredOnce_AndSentOncePerChannel_EvenWhenDeliveredAgain()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        await h.RunTimerAsync();
        var message = MessageJson.Serialize(Assert.Single(Queued(h)));

        await h.NotificationsFunction.OnNotification(message, CancellationToken.None);
        await h.NotificationsFunction.OnNotification(message, CancellationToken.None);

        var entry = Assert.Single(h.Inbox.Entries.Values);
        Assert.Equal(["service-bus", "storage-queue"], entry.DeliveredChannels.Order());
        Assert.All(h.Channels, channel => Assert.Single(channel.Sent));
        Assert.Equal(ReminderStatus.Sent, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);
    }

    [Fact]
    public async Task AfterAPartialFailure_TheRetrySendsOnlyOnTheChannelsNotDone()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        await h.RunTimerAsync();
        var message = MessageJson.Serialize(Assert.Single(Queued(h)));
        var (first, second) = (h.Channels[0], h.Channels[1]);
        second.FailuresLeft = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.NotificationsFunction.OnNotification(message, CancellationToken.None));
        Assert.Equal((1, 0), (first.Sent.Count, second.Sent.Count));
        Assert.Equal(ReminderStatus.Queued, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);

        await h.NotificationsFunction.OnNotification(message, CancellationToken.None); // the queue's retry
        Assert.Equal((1, 1), (first.Sent.Count, second.Sent.Count));
        Assert.Equal(ReminderStatus.Sent, h.Reminders.Rows["rem_NATARS-PKUIH-0007.C1D1.visit_due.20261206T0000Z"].Status);
    }

    [Fact]
    public async Task InboxAndWorklist_ThroughTheSiteFunctions()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 6));
        await h.RunTimerAsync();
        await h.DeliverQueuedNotificationsAsync();

        var inboxRequest = TestHttp.Get("/api/sites/PKUIH/notifications");
        inboxRequest.QueryString = new Microsoft.AspNetCore.Http.QueryString("?since=2026-12-01T00:00:00Z");
        var inbox = await TestHttp.ExecuteAsync(await h.SiteFunctions.GetNotifications(inboxRequest, SiteId, CancellationToken.None), inboxRequest);
        Assert.Equal(200, inbox.Status);
        var item = Assert.Single(inbox.Json.GetProperty("notifications").EnumerateArray());
        Assert.Equal("visit_due", item.GetProperty("kind").GetString());
        Assert.Equal("2026-12-06T00:00:00Z", item.GetProperty("dueAt").GetString());

        var badSince = TestHttp.Get("/api/sites/PKUIH/notifications");
        badSince.QueryString = new Microsoft.AspNetCore.Http.QueryString("?since=yesterday");
        Assert.Equal(400, (await TestHttp.ExecuteAsync(await h.SiteFunctions.GetNotifications(badSince, SiteId, CancellationToken.None), badSince)).Status);
        var unknownSite = TestHttp.Get("/api/sites/NOWHERE/notifications");
        Assert.Equal(404, (await TestHttp.ExecuteAsync(await h.SiteFunctions.GetNotifications(unknownSite, "NOWHERE", CancellationToken.None), unknownSite)).Status);

        var worklistRequest = TestHttp.Get("/api/sites/PKUIH/worklist");
        worklistRequest.QueryString = new Microsoft.AspNetCore.Http.QueryString("?from=2026-12-06&to=2027-03-01");
        var worklist = await TestHttp.ExecuteAsync(await h.SiteFunctions.GetWorklist(worklistRequest, SiteId, CancellationToken.None), worklistRequest);
        Assert.Equal(200, worklist.Status);
        var visits = worklist.Json.GetProperty("visits").EnumerateArray().Select(v => $"{v.GetProperty("visitId").GetString()} {v.GetProperty("status").GetString()}").ToList();
        Assert.Equal(["C1D1 due", "FU03 upcoming"], visits);
        Assert.Equal(0, worklist.Json.GetProperty("saeClocks").GetArrayLength());

        var backwards = TestHttp.Get("/api/sites/PKUIH/worklist");
        backwards.QueryString = new Microsoft.AspNetCore.Http.QueryString("?from=2027-01-01&to=2026-12-01");
        Assert.Equal(400, (await TestHttp.ExecuteAsync(await h.SiteFunctions.GetWorklist(backwards, SiteId, CancellationToken.None), backwards)).Status);
    }

    [Fact]
    public async Task Worklist_ListsTheSitesOpenSaeClocks_EarliestDeadlineFirst_OverdueFlagged()
    {
        var h = await BuiltAsync();
        var now = h.Time.GetUtcNow();
        h.SaeClocks.AddClock(new SaeClockRecord("NATARS-PKUIH-0007", "PKUIH", "ae_late", 1, now.AddHours(-30), now.AddHours(-6),
            SaeClockStatus.Escalated));
        h.SaeClocks.AddClock(new SaeClockRecord("NATARS-PKUIH-0007", "PKUIH", "ae_open", 1, now.AddHours(-2), now.AddHours(22),
            SaeClockStatus.Open));
        h.SaeClocks.AddClock(new SaeClockRecord("NATARS-PKUIH-0007", "PKUIH", "ae_done", 1, now.AddHours(-2), now.AddHours(22),
            SaeClockStatus.Closed));
        h.SaeClocks.AddClock(new SaeClockRecord("NATARS-BFH-0001", "BFH", "ae_other_site", 1, now, now.AddHours(24),
            SaeClockStatus.Open));

        var request = TestHttp.Get("/api/sites/PKUIH/worklist");
        var worklist = await TestHttp.ExecuteAsync(await h.SiteFunctions.GetWorklist(request, SiteId, CancellationToken.None), request);

        var clocks = worklist.Json.GetProperty("saeClocks").EnumerateArray()
            .Select(c => $"{c.GetProperty("adverseEventId").GetString()} {c.GetProperty("overdue").GetBoolean()}").ToList();
        Assert.Equal(["ae_late True", "ae_open False"], clocks);
    }
}
