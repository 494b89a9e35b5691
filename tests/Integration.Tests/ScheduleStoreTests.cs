using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Integration.Tests;

/// <summary>Table <c>Visits</c> in real Azurite: the held schedule as one versioned entity.</summary>
[Collection(StorageCollection.Name)]
public class ScheduleStoreTests(StorageFixture storage)
{
    private IScheduleStore Store => storage.DevHost.Services.GetRequiredService<IScheduleStore>();

    /// <summary>The schedule as read back: the schedule half of the participant's partition read.</summary>
    private async Task<ParticipantScheduleState> ReadAsync(string participant) =>
        (await storage.DevHost.Services.GetRequiredService<IParticipantHistoryReader>().LoadAsync(participant, CancellationToken.None)).Schedule;

    private TableClient Table => new(storage.ConnectionString, TableNames.Visits);

    private static string NewParticipant() => "NATARS-IT-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Many more reminders than a participant has, with long texts: the JSON needs several properties.</summary>
    private static List<HeldReminder> ManyReminders(string participantId, bool confirmed) =>
        Enumerable.Range(0, 200).Select(i =>
        {
            var due = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(7 * i);
            var date = DateOnly.FromDateTime(due.UtcDateTime);
            return new HeldReminder(new Reminder($"rem_{participantId}.V{i:D3}.visit_due", "PKUIH", participantId, $"V{i:D3}",
                ReminderKind.VisitDue, date, due, date, date.AddDays(-7), date.AddDays(7), $"V{i:D3} due — 访视 {i}", new string('b', 200)), confirmed);
        }).ToList();

    private static List<ScheduledVisit> Visits() =>
    [
        new("C1D1", VisitKind.ChemoCycle, "Cycle 1 day 1", new DateOnly(2027, 1, 4), new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 7),
            VisitStatus.Scheduled, null),
        new("SURG", VisitKind.Surgery, "Surgery", null, null, null, VisitStatus.PendingAnchor, null),
    ];

    /// <summary>Visit records, the schedule and status records share the participant's partition: one query reads
    /// them all, each kind where it belongs.</summary>
    [Fact]
    public async Task VisitAndStatusRecords_ShareThePartition_AndOneQueryReadsBoth()
    {
        var participant = NewParticipant();
        var statuses = storage.DevHost.Services.GetRequiredService<IParticipantStatusStore>();
        var recordedAt = new DateTimeOffset(2027, 2, 1, 3, 0, 0, TimeSpan.Zero);
        var written = await Store.WriteAsync(participant, ParticipantScheduleState.Empty, new ScheduleWrite([], [], Visits()), CancellationToken.None);
        Assert.True(await Store.TryAppendRecordAsync(participant,
            new StoredVisitRecord(1, RecordedVisit.Completed("C1D1", new DateOnly(2027, 1, 5)), recordedAt), CancellationToken.None));
        Assert.True(await statuses.TryAppendAsync(participant,
            new ParticipantStatusRecord(1, new AliveOn(new DateOnly(2027, 1, 20)), recordedAt), CancellationToken.None));
        Assert.True(await statuses.TryAppendAsync(participant,
            new ParticipantStatusRecord(2, new Died(new DateOnly(2027, 1, 30), DeathCause.Sarcoma), recordedAt), CancellationToken.None));
        Assert.False(await statuses.TryAppendAsync(participant,
            new ParticipantStatusRecord(2, new AliveOn(new DateOnly(2027, 1, 31)), recordedAt), CancellationToken.None));

        var both = await storage.DevHost.Services.GetRequiredService<IParticipantHistoryReader>().LoadAsync(participant, CancellationToken.None);

        Assert.Equal(["C1D1"], both.Schedule.Records.Select(r => r.Visit.VisitId));
        Assert.Equal(Visits(), both.Schedule.Visits);
        Assert.Equal(written.Version, both.Schedule.Version);
        Assert.Equal([new AliveOn(new DateOnly(2027, 1, 20)), new Died(new DateOnly(2027, 1, 30), DeathCause.Sarcoma)],
            both.Statuses.Select(r => r.Event));
        Assert.Equal([1, 2], both.Statuses.Select(r => r.Sequence));
        Assert.Equal(["record|000001", "schedule", "status|000001", "status|000002"],
            Table.Query<TableEntity>($"PartitionKey eq '{participant}'").Select(r => r.RowKey));
    }

    [Fact]
    public async Task AHeldScheduleLongerThanOneProperty_ReadsBackWhole_FromOneEntity()
    {
        var participant = NewParticipant();
        var held = ManyReminders(participant, confirmed: false);

        var written = await Store.WriteAsync(participant, ParticipantScheduleState.Empty, new ScheduleWrite(held, [], Visits()), CancellationToken.None);
        var read = await ReadAsync(participant);

        Assert.Equal(held, read.Reminders);
        Assert.Equal(Visits(), read.Visits);
        Assert.Equal(written.Version, read.Version);
        var row = Assert.Single(Table.Query<TableEntity>($"PartitionKey eq '{participant}'"));
        Assert.Equal("schedule", row.RowKey);
        Assert.True(row.ContainsKey(TableScheduleStore.RemindersProperty + "1"), "the JSON did not need a second property");
    }

    [Fact]
    public async Task AWriteFromAStaleRead_IsRefused_AndChangesNothing()
    {
        var participant = NewParticipant();
        var first = await Store.WriteAsync(participant, ParticipantScheduleState.Empty,
            new ScheduleWrite(ManyReminders(participant, confirmed: false).Take(3).ToList(), [], Visits()), CancellationToken.None);
        var confirmed = await Store.WriteAsync(participant, first,
            new ScheduleWrite(first.Reminders.Select(h => h with { Confirmed = true }).ToList(), [], null), CancellationToken.None);

        await Assert.ThrowsAsync<ScheduleVersionConflictException>(() =>
            Store.WriteAsync(participant, first, new ScheduleWrite([], [first.Reminders[0].Reminder.ReminderId], null), CancellationToken.None));
        await Assert.ThrowsAsync<ScheduleVersionConflictException>(() =>
            Store.WriteAsync(participant, ParticipantScheduleState.Empty, new ScheduleWrite([], [], Visits()), CancellationToken.None));

        var read = await ReadAsync(participant);
        Assert.Equal(confirmed.Version, read.Version);
        Assert.Equal(3, read.Reminders.Count);
        Assert.All(read.Reminders, h => Assert.True(h.Confirmed));
    }

    [Fact]
    public async Task AVersionRowOfTheEarlierLayout_ReadsAsNeverBuilt_AndTheNextWriteReplacesIt()
    {
        var participant = NewParticipant();
        await Table.AddEntityAsync(new TableEntity(participant, TableScheduleStore.VersionRow) { ["ChangedAt"] = DateTimeOffset.UtcNow });

        var read = await ReadAsync(participant);
        Assert.Empty(read.Visits);
        Assert.Empty(read.Reminders);
        Assert.NotNull(read.Version);

        var held = ManyReminders(participant, confirmed: true).Take(2).ToList();
        await Store.WriteAsync(participant, read, new ScheduleWrite(held, [], Visits()), CancellationToken.None);
        Assert.Equal(held, (await ReadAsync(participant)).Reminders);
    }

    [Fact]
    public async Task AShorterScheduleReplacesALongerOne_LeavingNoStalePart()
    {
        var participant = NewParticipant();
        var held = ManyReminders(participant, confirmed: true);
        var written = await Store.WriteAsync(participant, ParticipantScheduleState.Empty, new ScheduleWrite(held, [], Visits()), CancellationToken.None);

        await Store.WriteAsync(participant, written, new ScheduleWrite([], held.Skip(1).Select(h => h.Reminder.ReminderId).ToList(), null),
            CancellationToken.None);

        Assert.Equal([held[0]], (await ReadAsync(participant)).Reminders);
        var row = Assert.Single(Table.Query<TableEntity>($"PartitionKey eq '{participant}'"));
        Assert.False(row.ContainsKey(TableScheduleStore.RemindersProperty + "1"));
    }
}

/// <summary>Table <c>SiteVisits</c> in real Azurite: one row per participant, found by the first open window.</summary>
[Collection(StorageCollection.Name)]
public class SiteVisitIndexTests(StorageFixture storage)
{
    private ISiteVisitIndex Index => storage.DevHost.Services.GetRequiredService<ISiteVisitIndex>();

    private TableClient Table => new(storage.ConnectionString, TableNames.SiteVisits);

    private static ScheduledVisit Visit(string visitId, int opensDay, VisitStatus status = VisitStatus.Scheduled, bool dated = true)
    {
        var opens = new DateOnly(2027, 3, opensDay);
        return dated
            ? new(visitId, VisitKind.ChemoCycle, visitId, opens.AddDays(3), opens, opens.AddDays(6), status, null)
            : new(visitId, VisitKind.ChemoCycle, visitId, null, null, null, status, null);
    }

    [Fact]
    public async Task TheWorklistRange_FindsEachOpenVisitWhoseWindowOpensByItsEnd_AndNoClosedOne()
    {
        var site = "IT" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await Index.ReplaceAsync(site, "P1", [Visit("C1D1", 1, VisitStatus.Completed), Visit("C2D1", 10), Visit("C3D1", 20), Visit("SURG", 1, VisitStatus.PendingAnchor, dated: false)],
            CancellationToken.None);
        await Index.ReplaceAsync(site, "P2", [Visit("C1D1", 5, VisitStatus.Overdue), Visit("C2D1", 26)], CancellationToken.None);
        await Index.ReplaceAsync(site, "P3", [Visit("C1D1", 2, VisitStatus.Missed)], CancellationToken.None);

        static IEnumerable<string> Names(IReadOnlyList<SiteVisit> visits) => visits.Select(v => $"{v.ParticipantId}/{v.Visit.VisitId}").Order();
        Assert.Equal(["P2/C1D1"], Names(await Index.OpenUntilAsync(site, new DateOnly(2027, 3, 9), CancellationToken.None)));
        Assert.Equal(["P1/C2D1", "P1/C3D1", "P2/C1D1"], Names(await Index.OpenUntilAsync(site, new DateOnly(2027, 3, 25), CancellationToken.None)));
        Assert.Equal(["P1/C2D1", "P1/C3D1", "P2/C1D1", "P2/C2D1"], Names(await Index.OpenUntilAsync(site, new DateOnly(2027, 4, 30), CancellationToken.None)));

        // A rebuild replaces the participant's row: C2D1 done, C3D1 moved later.
        await Index.ReplaceAsync(site, "P1", [Visit("C2D1", 10, VisitStatus.Completed), Visit("C3D1", 24)], CancellationToken.None);
        Assert.Equal(["P1/C3D1", "P2/C1D1"], Names(await Index.OpenUntilAsync(site, new DateOnly(2027, 3, 25), CancellationToken.None)));
        Assert.Equal(3, Table.Query<TableEntity>($"PartitionKey eq '{site}'").Count());
    }
}
