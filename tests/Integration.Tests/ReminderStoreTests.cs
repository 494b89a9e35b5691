using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Integration.Tests;

/// <summary>Table <c>Reminders</c> in real Azurite: the year partitions, the day ranges and the batched inserts.</summary>
[Collection(StorageCollection.Name)]
public class ReminderStoreTests(StorageFixture storage)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);

    private IReminderStore Store => storage.DevHost.Services.GetRequiredService<IReminderStore>();

    private TableClient Table => new(storage.ConnectionString, TableNames.Reminders);

    private static Reminder At(string participantId, string visitId, DateTimeOffset dueAt, string title = "due")
    {
        var date = DateOnly.FromDateTime(dueAt.UtcDateTime);
        return new Reminder($"rem_{participantId}.{visitId}.visit_due.{dueAt:yyyyMMdd'T'HHmm'Z'}", "PKUIH", participantId, visitId,
            ReminderKind.VisitDue, date, dueAt, date, date.AddDays(-3), date.AddDays(3), title, "body");
    }

    /// <summary>A participant's reminders over three calendar years, two of them on one day.</summary>
    private static List<Reminder> Schedule(string participantId) =>
    [
        At(participantId, "C1D1", new DateTimeOffset(2026, 12, 14, 0, 0, 0, TimeSpan.Zero)),
        At(participantId, "C2D1", new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero)),
        At(participantId, "C3D1", new DateTimeOffset(2027, 1, 25, 0, 0, 0, TimeSpan.Zero)),
        At(participantId, "FU03", new DateTimeOffset(2027, 1, 25, 0, 0, 0, TimeSpan.Zero)),
        At(participantId, "FU24", new DateTimeOffset(2028, 12, 1, 0, 0, 0, TimeSpan.Zero)),
    ];

    private async Task<List<TableEntity>> RowsOfAsync(string participantId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>($"ParticipantId eq '{participantId}'"))
            rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task NewReminders_AreAllAdded_EachUnderItsDueYearAndDay()
    {
        var participant = "NATARS-IT-" + Guid.NewGuid().ToString("N")[..8];
        var reminders = Schedule(participant);

        var outcomes = await Store.EnsureAllAsync(reminders, Now, CancellationToken.None);

        Assert.All(reminders, r => Assert.Equal(ReminderEnsured.Added, outcomes[r.ReminderId]));
        var rows = await RowsOfAsync(participant);
        Assert.Equal(
            reminders.Select(r => (r.DueAt.Year.ToString("D4"), $"{r.DueAt:yyyyMMdd}|{r.ReminderId}")).Order(),
            rows.Select(row => (row.PartitionKey, row.RowKey)).Order());
        Assert.All(rows, row => Assert.Equal("pending", row.GetString("Status")));
    }

    [Fact]
    public async Task ADaysBucket_HoldsThatDaysPendingReminders_AndNoOtherDays()
    {
        var participant = "NATARS-IT-" + Guid.NewGuid().ToString("N")[..8];
        var reminders = Schedule(participant);
        await Store.EnsureAllAsync(reminders, Now, CancellationToken.None);

        var day = new DateOnly(2027, 1, 25);
        var pending = (await Store.PendingAsync(day, CancellationToken.None))
            .Where(p => p.Reminder.ParticipantId == participant).ToList();

        Assert.Equal(reminders.Where(r => r.Date == day).Select(r => r.ReminderId).Order(),
            pending.Select(p => p.Reminder.ReminderId).Order());
        Assert.All(pending, p => Assert.Equal(reminders.Single(r => r.ReminderId == p.Reminder.ReminderId), p.Reminder));
        Assert.DoesNotContain(await Store.PendingAsync(day.AddDays(-1), CancellationToken.None), p => p.Reminder.ParticipantId == participant);
        Assert.DoesNotContain(await Store.PendingAsync(day.AddDays(1), CancellationToken.None), p => p.Reminder.ParticipantId == participant);
    }

    [Fact]
    public async Task EnsuringAgain_WithRowsInEveryState_ReconcilesEachReminder_AndWritesNoDuplicate()
    {
        var participant = "NATARS-IT-" + Guid.NewGuid().ToString("N")[..8];
        var reminders = Schedule(participant);
        await Store.EnsureAllAsync(reminders.Take(4).ToList(), Now, CancellationToken.None);
        // C2D1 released (queued), C3D1 cancelled, FU03 unchanged, C1D1 with a new title; FU24 was never stored.
        var c2 = (await Store.PendingAsync(new DateOnly(2027, 1, 4), CancellationToken.None)).Single(p => p.Reminder.ParticipantId == participant);
        Assert.True(await Store.TryMarkQueuedAsync(c2, "ntf_" + c2.Reminder.ReminderId, Now, CancellationToken.None));
        Assert.Equal(ReminderCancelled.Cancelled, await Store.CancelAsync(reminders[2], Now, CancellationToken.None));
        var wanted = reminders.Select((r, i) => i == 0 ? r with { Title = "moved text" } : r).ToList();

        var outcomes = await Store.EnsureAllAsync(wanted, Now, CancellationToken.None);

        Assert.Equal(ReminderEnsured.Updated, outcomes[wanted[0].ReminderId]);
        Assert.Equal(ReminderEnsured.AlreadyReleased, outcomes[wanted[1].ReminderId]);
        Assert.Equal(ReminderEnsured.Reactivated, outcomes[wanted[2].ReminderId]);
        Assert.Equal(ReminderEnsured.Unchanged, outcomes[wanted[3].ReminderId]);
        Assert.Equal(ReminderEnsured.Added, outcomes[wanted[4].ReminderId]);
        var rows = await RowsOfAsync(participant);
        Assert.Equal(5, rows.Count);
        var statuses = await Store.StatusesAsync(wanted, CancellationToken.None);
        Assert.Equal([ReminderStatus.Pending, ReminderStatus.Queued, ReminderStatus.Pending, ReminderStatus.Pending, ReminderStatus.Pending],
            wanted.Select(r => statuses[r.ReminderId]));
        Assert.Equal("moved text", rows.Single(r => r.GetString("VisitId") == "C1D1").GetString("Title"));
    }
}
