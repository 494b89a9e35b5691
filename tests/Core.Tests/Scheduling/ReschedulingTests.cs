using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

public class ReschedulingTests
{
    private static readonly string[] AnchoredToActualDates = ["C2D1", "C3D1", "RESTAGE", "SURGERY", "POSTOP30"];

    [Fact]
    public void C1D1RecordedThreeDaysLate_ShiftsTheCyclesAndSurgeryButNotFollowUp()
    {
        // Each later visit is done on its target, so the three days carry through the chain of actual dates.
        var onTime = Build(Participant(Neoadjuvant, "2026-11-29",
            Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-27"), Done("C3D1", "2027-01-17"), Done("SURGERY", "2027-02-21")),
            "2027-03-01");
        var late = Build(Participant(Neoadjuvant, "2026-11-29",
            Done("C1D1", "2026-12-09"), Done("C2D1", "2026-12-30"), Done("C3D1", "2027-01-20"), Done("SURGERY", "2027-02-24")),
            "2027-03-01");

        foreach (var id in AnchoredToActualDates)
        {
            var before = onTime.Visit(id);
            var after = late.Visit(id);
            Assert.Equal(
                (before.TargetDate!.Value.AddDays(3), before.WindowStart!.Value.AddDays(3), before.WindowEnd!.Value.AddDays(3)),
                (after.TargetDate!.Value, after.WindowStart!.Value, after.WindowEnd!.Value));
        }
        Assert.Equal(
            onTime.Visits.Where(v => v.VisitId.StartsWith("FU", StringComparison.Ordinal)).Select(Row),
            late.Visits.Where(v => v.VisitId.StartsWith("FU", StringComparison.Ordinal)).Select(Row));
    }

    [Fact]
    public void C1D1RecordedLate_MovesOnlyC2D1UntilC2D1IsDone()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-09")), "2026-12-09");

        Assert.Equal("C2D1 2026-12-30 2026-12-27 2027-01-13", Row(schedule.Visit("C2D1")));
        Assert.All(new[] { "C3D1", "RESTAGE", "SURGERY", "POSTOP30" },
            id => Assert.Equal(VisitStatus.PendingAnchor, StatusOf(schedule, id)));
    }

    [Fact]
    public void SurgeryNotYetRecorded_LeavesPostop30PendingInBothArms()
    {
        var surgeryOnly = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-12-01");

        Assert.Equal("POSTOP30 - - -", Row(surgeryOnly.Visit("POSTOP30")));
        Assert.Equal(VisitStatus.PendingAnchor, StatusOf(surgeryOnly, "POSTOP30"));
    }

    [Fact]
    public void MissedCycle_SchedulesItsDependantsFromItsTargetDate()
    {
        // C3D1 (target 2027-01-17) not given: restaging and surgery still need dates, taken from the planned C3D1.
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29",
            Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-27"), Missed("C3D1")), "2027-01-20");

        Assert.Equal(VisitStatus.Missed, StatusOf(schedule, "C3D1"));
        Assert.Equal("RESTAGE 2027-02-04 2027-01-31 2027-02-14", Row(schedule.Visit("RESTAGE")));
        Assert.Equal("SURGERY 2027-02-21 2027-02-07 2027-02-28", Row(schedule.Visit("SURGERY")));
        Assert.Equal(VisitStatus.Scheduled, StatusOf(schedule, "SURGERY"));
    }

    [Fact]
    public void Death_CancelsTheVisitsWhoseWindowHadNotClosedAndKeepsTheRecordBefore()
    {
        // Surgery-only from 2026-11-29; FU03 window 2027-02-14..03-14 closed before death, FU06 window (05-15..06-12)
        // was open on the day of death.
        var participant = Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13"), Done("POSTOP30", "2027-01-12"))
            with { DiedOn = D("2027-06-01") };

        var schedule = Build(participant, "2027-07-01");

        Assert.Equal(VisitStatus.Completed, StatusOf(schedule, "SURGERY"));
        Assert.Equal(VisitStatus.Completed, StatusOf(schedule, "POSTOP30"));
        Assert.Equal(VisitStatus.Overdue, StatusOf(schedule, "FU03"));
        Assert.All(schedule.Visits.Skip(3), v => Assert.Equal(VisitStatus.Cancelled, v.Status));
        Assert.All(schedule.Reminders, r => Assert.Equal("FU03", r.VisitId));
    }

    [Theory]
    [InlineData("2027-03-14", VisitStatus.Cancelled)] // died on the last day of the FU03 window
    [InlineData("2027-03-15", VisitStatus.Overdue)]   // died the day after it closed
    public void DeathOnTheLastDayOfAWindow_CancelsThatVisit(string diedOn, VisitStatus fu03)
    {
        var participant = Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13")) with { DiedOn = D(diedOn) };

        Assert.Equal(fu03, StatusOf(Build(participant, "2027-04-01"), "FU03"));
    }

    [Fact]
    public void Withdrawal_CancelsEveryLaterVisitIncludingThoseStillWaitingForTheirAnchor()
    {
        var participant = Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")) with { WithdrewOn = D("2026-12-20") };

        var schedule = Build(participant, "2026-12-21");

        Assert.Equal(VisitStatus.Completed, StatusOf(schedule, "C1D1"));
        Assert.All(schedule.Visits.Skip(1), v => Assert.Equal(VisitStatus.Cancelled, v.Status));
        Assert.Empty(schedule.Reminders);
    }

    [Fact]
    public void StudyClosure_CancelsEveryFutureVisitIncludingOneWithAnOpenWindow()
    {
        // FU09's window (2027-08-15..09-12) is open on the closure date 2027-08-20.
        var participant = Participant(SurgeryOnly, "2026-11-29",
            Done("SURGERY", "2026-12-13"), Done("POSTOP30", "2027-01-12"), Done("FU03", "2027-02-27"), Done("FU06", "2027-05-30"))
            with { StudyClosedOn = D("2027-08-20") };

        var schedule = Build(participant, "2027-08-20");

        Assert.Equal(4, schedule.Visits.Count(v => v.Status == VisitStatus.Completed));
        Assert.All(schedule.Visits.Skip(4), v => Assert.Equal(VisitStatus.Cancelled, v.Status));
        Assert.Empty(schedule.Reminders);
    }

    [Fact]
    public void WithoutAnEndingEvent_NoVisitIsCancelled()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13")), "2027-08-20");

        Assert.DoesNotContain(schedule.Visits, v => v.Status == VisitStatus.Cancelled);
    }

    [Fact]
    public void CorrectedC1D1Date_ReplacesTheRemindersOfTheVisitThatMovedAndKeepsTheOthers()
    {
        var before = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "2026-12-06");
        var after = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-09")), "2026-12-09");

        var changes = ReminderDiff.Between(before.Reminders, after.Reminders);

        Assert.Equal(["C2D1", "C2D1", "C2D1"], changes.ToCancel.Select(r => r.VisitId));
        Assert.Equal(["C2D1", "C2D1", "C2D1"], changes.ToAdd.Select(r => r.VisitId));
        Assert.Empty(changes.ToUpdate);
        Assert.Empty(changes.ToAdd.Select(r => r.ReminderId).Intersect(changes.ToCancel.Select(r => r.ReminderId)));
        Assert.Equal(
            before.Reminders.Where(r => r.VisitId != "C2D1").Select(r => r.ReminderId),
            after.Reminders.Where(r => r.VisitId != "C2D1").Select(r => r.ReminderId));
    }

    [Fact]
    public void RecordingAVisit_CancelsItsRemindersAndAddsThoseOfTheVisitsAnchoredToIt()
    {
        var before = Build(Participant(Neoadjuvant, "2026-11-29"), "2026-12-06");
        var after = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "2026-12-06");

        var changes = ReminderDiff.Between(before.Reminders, after.Reminders);

        Assert.Equal(["C1D1", "C1D1"], changes.ToCancel.Select(r => r.VisitId)); // due and overdue; C1D1 has no upcoming
        Assert.Equal(["C2D1", "C2D1", "C2D1"], changes.ToAdd.Select(r => r.VisitId));
        Assert.Empty(changes.ToUpdate);
    }

    [Fact]
    public void RebuildingFromTheSameState_ChangesNothing()
    {
        var participant = Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06"));

        var changes = ReminderDiff.Between(Build(participant, "2026-12-06").Reminders, Build(participant, "2027-03-01").Reminders);

        Assert.True(changes.IsEmpty);
    }

    [Fact]
    public void ReminderWithTheSameIdButNewText_IsAnUpdate()
    {
        var held = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-11-29").Reminders;
        var wanted = held.Select((r, i) => i == 0 ? r with { Body = r.Body + " Bring the CT report." } : r).ToList();

        var changes = ReminderDiff.Between(held, wanted);

        Assert.Equal([held[0].ReminderId], changes.ToUpdate.Select(r => r.ReminderId));
        Assert.Empty(changes.ToAdd);
        Assert.Empty(changes.ToCancel);
    }
}
