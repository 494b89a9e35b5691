using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;
using static RpsServerless.Functions.Tests.SchedulingHarness;

namespace RpsServerless.Functions.Tests;

/// <summary>The <c>participant-events</c> function: the reminder diff as it lands in storage.</summary>
public class ReminderPersistenceTests
{
    private static async Task<SchedulingHarness> BuiltAsync()
    {
        var h = new SchedulingHarness();
        h.Allocate();
        await h.DeliverParticipantEventAsync();
        return h;
    }

    private static async Task RecordAsync(SchedulingHarness h, string visitId, string json)
    {
        var request = TestHttp.Post($"/api/participants/{ParticipantId}/visits/{visitId}", json);
        var written = await TestHttp.ExecuteAsync(await h.ScheduleFunctions.RecordVisit(request, ParticipantId, visitId, CancellationToken.None), request);
        Assert.True(written.Status == 200, written.Body);
        await h.DeliverParticipantEventAsync(reason: "visit_recorded");
    }

    private static HashSet<string> Ids(IEnumerable<InMemoryReminderStore.Row> rows) => rows.Select(r => r.Reminder.ReminderId).ToHashSet();

    [Fact]
    public async Task FirstEvent_StoresEveryWantedReminderPending_HeldConfirmed_AndTheVisits()
    {
        var h = await BuiltAsync();
        var file = await h.Files.LoadAsync(ParticipantId, CancellationToken.None);
        var expected = ScheduleBuilder.Build(Core.Protocol.ProtocolCatalog.Get(), file!.Timeline, new DateOnly(2026, 11, 29));

        Assert.Equal(expected.Reminders.Select(r => r.ReminderId).ToHashSet(), Ids(h.Reminders.Rows.Values));
        Assert.All(h.Reminders.Rows.Values, r => Assert.Equal(ReminderStatus.Pending, r.Status));
        var partition = h.Schedules.Partitions[ParticipantId];
        Assert.All(partition.Held.Values, held => Assert.True(held.Confirmed));
        Assert.Equal(expected.Visits, partition.Visits);
        Assert.Contains(h.SiteVisits.Rows, row => row.Key == (SiteId, ParticipantId, "C1D1"));
        // The cursor stands at the earliest reminder's due date.
        Assert.Equal(ReminderBuckets.Of(expected.Reminders.Min(r => r.DueAt)), h.Reminders.Cursor!.Value.Bucket);
    }

    [Fact]
    public async Task TheSameMessageAgain_ChangesNothing()
    {
        var h = await BuiltAsync();
        var rows = h.Reminders.Rows.ToDictionary();
        var writes = h.Schedules.Writes;

        await h.DeliverParticipantEventAsync();
        await h.DeliverParticipantEventAsync();

        Assert.Equal(rows, h.Reminders.Rows);
        Assert.Equal(writes, h.Schedules.Writes);
    }

    [Fact]
    public async Task C1D1DoneLate_CancelsItsOpenReminders_AddsC2D1s_KeepsReleasedAndFollowUpOnes()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 9));
        await h.RunTimerAsync(); // C1D1 due on 12-06 is released
        var c1Due = Assert.Single(h.Reminders.Rows.Values, r => r.Reminder is { VisitId: "C1D1", Kind: Core.Protocol.ReminderKind.VisitDue });
        Assert.Equal(ReminderStatus.Queued, c1Due.Status);
        var followUpBefore = Ids(h.Reminders.Rows.Values.Where(r => r.Reminder.VisitId.StartsWith("FU", StringComparison.Ordinal)));

        await RecordAsync(h, "C1D1", """{"status":"completed","date":"2026-12-09"}""");

        var c1 = h.Reminders.Rows.Values.Where(r => r.Reminder.VisitId == "C1D1").ToList();
        Assert.Equal(ReminderStatus.Queued, c1.Single(r => r.Reminder.Kind == Core.Protocol.ReminderKind.VisitDue).Status); // released stays released
        Assert.Equal(ReminderStatus.Cancelled, c1.Single(r => r.Reminder.Kind == Core.Protocol.ReminderKind.VisitOverdue).Status);
        var c2 = h.Reminders.Rows.Values.Where(r => r.Reminder.VisitId == "C2D1").ToList();
        Assert.Equal(3, c2.Count);
        Assert.All(c2, r => Assert.Equal(ReminderStatus.Pending, r.Status));
        Assert.Contains(c2, r => r.Reminder.DueAt == new DateTimeOffset(2026, 12, 30, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(followUpBefore, Ids(h.Reminders.Rows.Values.Where(r => r.Reminder.VisitId.StartsWith("FU", StringComparison.Ordinal))));
        Assert.DoesNotContain(h.Schedules.Partitions[ParticipantId].Held.Keys, id => id.Contains(".C1D1.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVisitThatMoves_HasItsRemindersReplaced_NeverDuplicated()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2026, 12, 14));
        // C1D1 marked missed: C2D1 is scheduled from C1D1's target date (2026-12-06 + 21).
        await RecordAsync(h, "C1D1", """{"status":"missed","reason":"Unwell"}""");
        var first = h.Reminders.Rows.Values.Where(r => r.Reminder.VisitId == "C2D1").ToList();
        Assert.Contains(first, r => r.Reminder.DueAt == new DateTimeOffset(2026, 12, 27, 0, 0, 0, TimeSpan.Zero));

        // It had been given after all, three days late: C2D1 moves to 2026-12-30.
        await RecordAsync(h, "C1D1", """{"status":"completed","date":"2026-12-09"}""");

        Assert.All(first, old => Assert.Equal(ReminderStatus.Cancelled, h.Reminders.Rows[old.Reminder.ReminderId].Status));
        var pending = h.Reminders.WithStatus(ReminderStatus.Pending).Where(r => r.Reminder.VisitId == "C2D1").ToList();
        Assert.Equal(3, pending.Count);
        Assert.Single(pending, r => r.Reminder.Kind == Core.Protocol.ReminderKind.VisitDue);
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 0, 0, 0, TimeSpan.Zero), pending.Single(r => r.Reminder.Kind == Core.Protocol.ReminderKind.VisitDue).Reminder.DueAt);
    }

    [Fact]
    public async Task ACrashBetweenSteps_IsRepairedByTheRetry_AndByALaterStateChange()
    {
        var h = new SchedulingHarness();
        h.Allocate();
        // First write (intents) succeeds, the second (confirmation) crashes: reminders are stored, the held set unconfirmed.
        h.Schedules.CrashOnWrite = 2;
        await Assert.ThrowsAsync<IOException>(() => h.DeliverParticipantEventAsync());
        Assert.NotEmpty(h.Reminders.Rows);
        Assert.All(h.Schedules.Partitions[ParticipantId].Held.Values, held => Assert.False(held.Confirmed));

        // Before the retry, the state changes: the participant dies. Nothing pending may survive past the death date.
        h.AdvanceTo(new DateOnly(2026, 12, 3));
        h.Statuses.Records[ParticipantId] = [new Core.Outcomes.ParticipantStatusRecord(1, new Core.Outcomes.Died(new DateOnly(2026, 12, 2), Core.Outcomes.DeathCause.Sarcoma), h.Time.GetUtcNow())];
        await h.DeliverParticipantEventAsync(reason: "status_recorded");

        Assert.All(h.Schedules.Partitions[ParticipantId].Held.Values, held => Assert.True(held.Confirmed));
        var wanted = h.Schedules.Partitions[ParticipantId].Held.Keys.ToHashSet();
        Assert.Equal(wanted, Ids(h.Reminders.WithStatus(ReminderStatus.Pending)));
        Assert.DoesNotContain(h.Reminders.WithStatus(ReminderStatus.Pending), r => r.Reminder.Date > new DateOnly(2026, 12, 2));
    }

    [Fact]
    public async Task Death_CancelsLaterVisitsAndTheirPendingReminders()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2027, 1, 20));
        var request = TestHttp.Post($"/api/participants/{ParticipantId}/status", """{"status":"died","date":"2027-01-15","cause":"sarcoma"}""");
        var written = await TestHttp.ExecuteAsync(await h.StatusFunctions.RecordStatus(request, ParticipantId, CancellationToken.None), request);
        Assert.Equal(201, written.Status);
        Assert.Equal(1, written.Json.GetProperty("recordNumber").GetInt32());
        Assert.Equal(new ParticipantEvent(ParticipantId, "status_recorded"), Assert.Single(h.Queue.On<ParticipantEvent>(QueueNames.ParticipantEvents)));

        await h.DeliverParticipantEventAsync(reason: "status_recorded");

        Assert.All(h.Schedules.Partitions[ParticipantId].Visits.Where(v => v.VisitId.StartsWith("FU", StringComparison.Ordinal)),
            v => Assert.Equal(VisitStatus.Cancelled, v.Status));
        Assert.DoesNotContain(h.Reminders.WithStatus(ReminderStatus.Pending), r => r.Reminder.Date > new DateOnly(2027, 1, 15));
        Assert.Contains(h.Reminders.WithStatus(ReminderStatus.Cancelled), r => r.Reminder.VisitId == "FU03");
        Assert.DoesNotContain(h.SiteVisits.Rows, row => row.Key.Visit == "FU03" && SiteVisits.IsOpen(row.Value));
    }

    [Theory]
    [InlineData("""{"status":"died","date":"2027-01-15"}""", 400)]                          // no cause
    [InlineData("""{"status":"died","date":"2027-02-15","cause":"sarcoma"}""", 400)]        // in the future
    [InlineData("""{"status":"alive","date":"2027-01-15","cause":"sarcoma"}""", 400)]       // a field of another status
    [InlineData("""not json""", 400)]
    public async Task BadStatusReports_Are400(string json, int status)
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2027, 1, 20));
        var request = TestHttp.Post($"/api/participants/{ParticipantId}/status", json);
        var written = await TestHttp.ExecuteAsync(await h.StatusFunctions.RecordStatus(request, ParticipantId, CancellationToken.None), request);
        Assert.Equal(status, written.Status);
        Assert.Empty(h.Queue.Sent);
    }

    [Fact]
    public async Task ASecondDeath_Is409_AndAnUnknownParticipant404()
    {
        var h = await BuiltAsync();
        h.AdvanceTo(new DateOnly(2027, 1, 20));
        async Task<int> PostAsync(string participantId, string json)
        {
            var request = TestHttp.Post($"/api/participants/{participantId}/status", json);
            return (await TestHttp.ExecuteAsync(await h.StatusFunctions.RecordStatus(request, participantId, CancellationToken.None), request)).Status;
        }
        Assert.Equal(201, await PostAsync(ParticipantId, """{"status":"died","date":"2027-01-15","cause":"sarcoma"}"""));
        Assert.Equal(409, await PostAsync(ParticipantId, """{"status":"died","date":"2027-01-16","cause":"other"}"""));
        Assert.Equal(409, await PostAsync(ParticipantId, """{"status":"alive","date":"2027-01-18"}"""));
        Assert.Equal(404, await PostAsync("NATARS-PKUIH-0999", """{"status":"alive","date":"2027-01-18"}"""));
    }

    [Fact]
    public async Task AMalformedOrUnknownMessage_Throws_SoTheHostRetriesAndPoisonsIt()
    {
        var h = await BuiltAsync();
        await Assert.ThrowsAsync<InvalidDataException>(() => h.ParticipantEventsFunction.OnParticipantEvent("{\"participant\":1}", CancellationToken.None));
        await Assert.ThrowsAsync<InvalidDataException>(() => h.ParticipantEventsFunction.OnParticipantEvent("not json", CancellationToken.None));
        await Assert.ThrowsAsync<Workflows.UnknownParticipantException>(() => h.DeliverParticipantEventAsync("NATARS-PKUIH-0999"));
    }
}
