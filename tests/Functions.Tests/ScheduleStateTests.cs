using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Tests;

/// <summary><see cref="ParticipantScheduleState.With"/>: what a versioned write of the held schedule leaves.</summary>
public class ScheduleStateTests
{
    private static Reminder Reminder(string visitId, int day) =>
        new($"rem_P.{visitId}", "PKUIH", "P", visitId, ReminderKind.VisitDue, new DateOnly(2027, 1, day),
            new DateTimeOffset(2027, 1, day, 0, 0, 0, TimeSpan.Zero), new DateOnly(2027, 1, day), new DateOnly(2027, 1, day),
            new DateOnly(2027, 1, day), $"{visitId} due", "body");

    private static ScheduledVisit Visit(string visitId) =>
        new(visitId, VisitKind.ChemoCycle, visitId, new DateOnly(2027, 1, 1), null, null, VisitStatus.Scheduled, null);

    private static readonly ParticipantScheduleState Held = new(
        [], [Visit("C1D1")], [new HeldReminder(Reminder("C1D1", 1), true), new HeldReminder(Reminder("C2D1", 22), true)], "v1");

    [Fact]
    public void HeldReminders_AreReplacedInPlace_NewOnesJoinAtTheEnd_ReleasedOnesLeave()
    {
        var moved = Reminder("C2D1", 25);
        var added = Reminder("C3D1", 15);

        var next = Held.With(new ScheduleWrite([new HeldReminder(added, false), new HeldReminder(moved, false)], ["rem_P.C1D1"], null));

        Assert.Equal([new HeldReminder(moved, false), new HeldReminder(added, false)], next.Reminders);
        Assert.Equal(Held.Visits, next.Visits);
        Assert.Equal("v1", next.Version);
    }

    [Fact]
    public void Visits_AreReplacedWhenTheWriteCarriesThem_AndKeptWhenNot()
    {
        IReadOnlyList<ScheduledVisit> rebuilt = [Visit("C1D1"), Visit("C2D1")];
        Assert.Equal(rebuilt, Held.With(new ScheduleWrite([], [], rebuilt)).Visits);
        Assert.Same(Held.Visits, Held.With(new ScheduleWrite([], ["rem_P.C2D1"], null)).Visits);
        Assert.Equal(["rem_P.C1D1"], Held.With(new ScheduleWrite([], ["rem_P.C2D1", "rem_P.unknown"], null)).Reminders.Select(h => h.Reminder.ReminderId));
    }
}
