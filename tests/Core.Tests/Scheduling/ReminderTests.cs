using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

public class ReminderTests
{
    private const string PreDoseCheck = "Check CBC before dosing: ANC >= 1.5 x10^9/L and platelets >= 100 x10^9/L.";

    private static IEnumerable<(ReminderKind Kind, string Date)> RemindersOf(ParticipantSchedule s, string visitId) =>
        s.Reminders.Where(r => r.VisitId == visitId).Select(r => (r.Kind, Iso(r.Date)));

    [Fact]
    public void CycleTwoDueReminder_CarriesWhatTheNotificationNeeds()
    {
        // The api.md example: C1D1 given on the allocation day, 2026-11-29.
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-11-29")), "2026-11-29");

        var due = schedule.Reminders.Single(r => r is { VisitId: "C2D1", Kind: ReminderKind.VisitDue });

        Assert.Equal("PKUIH", due.SiteId);
        Assert.Equal(ParticipantId, due.ParticipantId);
        Assert.Equal(new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero), due.DueAt);
        Assert.Equal((D("2026-12-17"), D("2027-01-03")), (due.WindowStart, due.WindowEnd));
        Assert.Equal("Cycle 2 day 1 due today", due.Title);
        Assert.Equal("Window 2026-12-17 to 2027-01-03. " + PreDoseCheck, due.Body);
        Assert.StartsWith("rem_", due.ReminderId);
    }

    [Fact]
    public void ReminderAt0800AsiaShanghai_IsMidnightUtcTheSameDay()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-11-29");

        Assert.All(schedule.Reminders, r =>
        {
            Assert.Equal(TimeSpan.Zero, r.DueAt.Offset);
            Assert.Equal(r.Date.ToDateTime(TimeOnly.MinValue), r.DueAt.UtcDateTime);
        });
    }

    [Fact]
    public void EachOpenVisit_GetsUpcomingDueAndOverdueRemindersAtTheProtocolOffsets()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-11-29")), "2026-11-29");

        // C2D1 window 2026-12-17..2027-01-03, target 12-20: 7 days before it opens, on the target, the day after it closes.
        Assert.Equal(
            [(ReminderKind.VisitUpcoming, "2026-12-10"), (ReminderKind.VisitDue, "2026-12-20"), (ReminderKind.VisitOverdue, "2027-01-04")],
            RemindersOf(schedule, "C2D1"));
        // FU03 window 2027-02-14..03-14, target 02-28.
        Assert.Equal(
            [(ReminderKind.VisitUpcoming, "2027-02-07"), (ReminderKind.VisitDue, "2027-02-28"), (ReminderKind.VisitOverdue, "2027-03-15")],
            RemindersOf(schedule, "FU03"));
    }

    [Fact]
    public void ReminderBeforeTheAnchorDate_IsNotCreated()
    {
        // C1D1's and surgery-only SURGERY's windows open on the allocation day: their upcoming reminder would fall a
        // week before the participant was allocated.
        var neoadjuvant = Build(Participant(Neoadjuvant, "2026-11-29"), "2026-11-29");
        var surgeryOnly = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-11-29");

        Assert.Equal([(ReminderKind.VisitDue, "2026-12-06"), (ReminderKind.VisitOverdue, "2026-12-14")], RemindersOf(neoadjuvant, "C1D1"));
        Assert.Equal([(ReminderKind.VisitDue, "2026-12-13"), (ReminderKind.VisitOverdue, "2026-12-28")], RemindersOf(surgeryOnly, "SURGERY"));
        Assert.All(neoadjuvant.Reminders.Concat(surgeryOnly.Reminders), r => Assert.True(r.Date >= D("2026-11-29")));
    }

    [Fact]
    public void ReminderTexts_SayWhatToDo()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-11-29")), "2026-11-29");
        var c2 = schedule.Reminders.Where(r => r.VisitId == "C2D1").ToList();
        var fu03 = schedule.Reminders.Where(r => r.VisitId == "FU03").ToList();

        Assert.Equal(["Cycle 2 day 1 window opens in 7 days", "Cycle 2 day 1 due today", "Cycle 2 day 1 overdue"], c2.Select(r => r.Title));
        Assert.Equal("Window 2026-12-17 to 2027-01-03 has closed: record the visit or mark it missed. " + PreDoseCheck, c2[2].Body);
        Assert.Equal(["Follow-up month 3 window opens in 7 days", "Follow-up month 3 due today", "Follow-up month 3 overdue"],
            fu03.Select(r => r.Title));
        Assert.Equal("Window 2027-02-14 to 2027-03-14.", fu03[1].Body);
    }

    [Fact]
    public void CycleReminders_CarryThePreDoseCheck_OtherRemindersDoNot()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-11-29"), Done("C2D1", "2026-12-20")), "2026-12-20");

        Assert.All(schedule.Reminders, r =>
            Assert.Equal(r.VisitId.StartsWith('C'), r.Body.EndsWith(PreDoseCheck, StringComparison.Ordinal)));
        Assert.Contains(schedule.Reminders, r => r.VisitId == "C3D1");
    }

    [Fact]
    public void OnlyVisitsThatCanStillBeDone_GetReminders()
    {
        // C1D1 completed, C2D1 marked missed, C3D1 scheduled from C2D1's target; POSTOP30 pending surgery.
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-11-29"), Missed("C2D1")), "2026-12-21");

        var visitsReminded = schedule.Reminders.Select(r => r.VisitId).Distinct().ToList();

        Assert.DoesNotContain("C1D1", visitsReminded);
        Assert.DoesNotContain("C2D1", visitsReminded);
        Assert.DoesNotContain("POSTOP30", visitsReminded);
        Assert.Contains("C3D1", visitsReminded);
        Assert.All(schedule.Reminders, r =>
            Assert.Contains(StatusOf(schedule, r.VisitId), new[] { VisitStatus.Scheduled, VisitStatus.Due, VisitStatus.Overdue }));
    }

    [Fact]
    public void SameInputs_GiveIdenticalReminders_WhateverTheDayTheyAreBuilt()
    {
        var participant = Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-28"));

        var first = Build(participant, "2026-12-28");
        var again = Build(participant with { RecordedVisits = participant.RecordedVisits.ToList() }, "2026-12-28");
        var monthsLater = Build(participant, "2027-06-01");

        Assert.Equal(first.Reminders, again.Reminders);
        Assert.Equal(first.Reminders, monthsLater.Reminders);
        Assert.Equal(first.Reminders.Count, first.Reminders.Select(r => r.ReminderId).Distinct().Count());
    }

    [Fact]
    public void ReminderId_DependsOnParticipantVisitKindAndDueInstant()
    {
        var at = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);
        var id = ScheduleBuilder.ReminderId(ParticipantId, "C2D1", ReminderKind.VisitDue, at);

        Assert.Equal("rem_NATARS-PKUIH-0007.C2D1.visit_due.20261220T0000Z", id);
        Assert.Equal(id, ScheduleBuilder.ReminderId(ParticipantId, "C2D1", ReminderKind.VisitDue, at));
        Assert.NotEqual(id, ScheduleBuilder.ReminderId("NATARS-PKUIH-0008", "C2D1", ReminderKind.VisitDue, at));
        Assert.NotEqual(id, ScheduleBuilder.ReminderId(ParticipantId, "C3D1", ReminderKind.VisitDue, at));
        Assert.NotEqual(id, ScheduleBuilder.ReminderId(ParticipantId, "C2D1", ReminderKind.VisitUpcoming, at));
        Assert.NotEqual(id, ScheduleBuilder.ReminderId(ParticipantId, "C2D1", ReminderKind.VisitDue, at.AddDays(1)));
    }

    [Fact]
    public void NoReminderFallsAfterDeath()
    {
        // With an overdue reminder 5 days after the window closes (an amendment's offset), FU03's (window closed
        // 2027-03-14) would fall on 2027-03-19, after a death on 2027-03-16 that leaves FU03 overdue.
        var protocol = Natars.Protocol with
        {
            Schedule = Natars.Protocol.Schedule with
            {
                Reminders = [.. Natars.Protocol.Schedule.Reminders.Select(o => o.Kind == ReminderKind.VisitOverdue ? o with { Days = 5 } : o)],
            },
        };
        var participant = Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13"), Done("POSTOP30", "2027-01-12"));

        var alive = ScheduleBuilder.Build(protocol, participant, D("2027-04-01"));
        var dead = ScheduleBuilder.Build(protocol, participant with { DiedOn = D("2027-03-16") }, D("2027-04-01"));

        Assert.Contains((ReminderKind.VisitOverdue, "2027-03-19"), RemindersOf(alive, "FU03"));
        Assert.Equal(VisitStatus.Overdue, StatusOf(dead, "FU03"));
        Assert.Equal([(ReminderKind.VisitUpcoming, "2027-02-07"), (ReminderKind.VisitDue, "2027-02-28")], RemindersOf(dead, "FU03"));
        Assert.All(dead.Reminders, r => Assert.True(r.Date <= D("2027-03-16")));
    }
}
