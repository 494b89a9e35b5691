using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

/// <summary>Every status of protocol.md §5, each shown both ways. Surgery-only from 2026-11-29 unless said otherwise.</summary>
public class VisitStatusTests
{
    // SURGERY (surgery_only): target 2026-12-13, window 2026-11-29..2026-12-27.
    [Theory]
    [InlineData("2026-11-28", VisitStatus.Scheduled)] // the day before the window opens (before allocation too)
    [InlineData("2026-11-29", VisitStatus.Due)]       // the window's first day is inside it
    [InlineData("2026-12-27", VisitStatus.Due)]       // so is its last day
    [InlineData("2026-12-28", VisitStatus.Overdue)]   // the day after it closes
    public void SurgeryWindow_IsInclusiveAtBothEnds(string today, VisitStatus expected) =>
        Assert.Equal(expected, StatusOf(Build(Participant(SurgeryOnly, "2026-11-29"), today), "SURGERY"));

    [Theory]
    [InlineData("2027-02-13", VisitStatus.Scheduled)] // FU03 window 2027-02-14..03-14
    [InlineData("2027-02-14", VisitStatus.Due)]
    [InlineData("2027-03-14", VisitStatus.Due)]
    [InlineData("2027-03-15", VisitStatus.Overdue)]
    public void FollowUpWindow_IsInclusiveAtBothEnds(string today, VisitStatus expected) =>
        Assert.Equal(expected, StatusOf(Build(Participant(SurgeryOnly, "2026-11-29"), today), "FU03"));

    [Fact]
    public void VisitAnchoredToAVisitNotYetDone_IsPendingAnchorWithoutDates_UntilTheAnchorIsRecorded()
    {
        var pending = Build(Participant(Neoadjuvant, "2026-11-29"), "2026-12-01").Visit("C2D1");
        var anchored = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-01")), "2026-12-01").Visit("C2D1");

        Assert.Equal((VisitStatus.PendingAnchor, null, null, null), (pending.Status, pending.TargetDate, pending.WindowStart, pending.WindowEnd));
        Assert.Equal(VisitStatus.Scheduled, anchored.Status);
        Assert.Equal(D("2026-12-22"), anchored.TargetDate);
    }

    [Fact]
    public void RecordedVisit_IsCompletedWithItsDate_EvenOutsideItsWindow()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2027-01-04")), "2027-01-05");

        Assert.Equal((VisitStatus.Completed, D("2027-01-04")), (schedule.Visit("SURGERY").Status, schedule.Visit("SURGERY").CompletedOn));
        Assert.Null(schedule.Visit("FU03").CompletedOn);
        Assert.NotEqual(VisitStatus.Completed, StatusOf(schedule, "FU03"));
    }

    [Fact]
    public void FollowUpNotDone_IsOverdue_UntilTheNextFollowUpIsDone_ThenMissed()
    {
        var overdue = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13")), "2027-05-20");
        var missed = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13"), Done("FU06", "2027-05-20")), "2027-05-20");

        Assert.Equal(VisitStatus.Overdue, StatusOf(overdue, "FU03"));
        Assert.Equal(VisitStatus.Missed, StatusOf(missed, "FU03"));
    }

    [Fact]
    public void LaterVisitOfTheSeriesDone_MissesEveryEarlierOneNotDone_AcrossTheFollowUpAndSurvivalVisits()
    {
        var protocol = WithStudyEnd(D("2032-12-01"));
        var participant = Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13"), Done("FU54", "2031-05-29"),
            Done("SURV66", "2032-05-29"));

        var schedule = ScheduleBuilder.Build(protocol, participant, D("2032-06-01"));

        Assert.Equal(VisitStatus.Missed, StatusOf(schedule, "FU03"));
        Assert.Equal(VisitStatus.Missed, StatusOf(schedule, "FU48"));
        Assert.Equal(VisitStatus.Missed, StatusOf(schedule, "FU60"));
        Assert.Equal(VisitStatus.Scheduled, StatusOf(schedule, "SURV72"));
        // POSTOP30 belongs to no series: a later follow-up does not make it missed.
        Assert.Equal(VisitStatus.Overdue, StatusOf(schedule, "POSTOP30"));
    }

    [Fact]
    public void RestagingNotDoneWhenSurgeryWasDone_StaysOverdue_BecauseItIsInNoSeries()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29",
            Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-27"), Done("C3D1", "2027-01-17"), Done("SURGERY", "2027-02-21")),
            "2027-02-22");

        Assert.Equal(VisitStatus.Overdue, StatusOf(schedule, "RESTAGE"));
    }

    [Fact]
    public void CycleMarkedMissed_IsMissed_EvenBeforeItsWindowCloses()
    {
        var marked = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06"), Missed("C2D1")), "2026-12-25");
        var notMarked = Build(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "2026-12-25");

        Assert.Equal(VisitStatus.Missed, StatusOf(marked, "C2D1"));
        Assert.Equal(VisitStatus.Due, StatusOf(notMarked, "C2D1"));
    }

    [Fact]
    public void VisitMarkedMissedThenRecordedDone_IsCompleted_TheLatestRecordWins()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29",
            Done("SURGERY", "2026-12-13"), Missed("FU03"), Done("FU03", "2027-03-10")), "2027-03-20");

        Assert.Equal(VisitStatus.Completed, StatusOf(schedule, "FU03"));
    }

    [Fact]
    public void Cancelled_OnlyAfterAnEndingEvent()
    {
        var alive = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-12-01");
        var dead = Build(Participant(SurgeryOnly, "2026-11-29") with { DiedOn = D("2026-12-01") }, "2026-12-01");

        Assert.Equal(VisitStatus.Due, StatusOf(alive, "SURGERY"));
        Assert.Equal(VisitStatus.Cancelled, StatusOf(dead, "SURGERY"));
        Assert.Equal(VisitStatus.PendingAnchor, StatusOf(alive, "POSTOP30"));
        Assert.Equal(VisitStatus.Cancelled, StatusOf(dead, "POSTOP30"));
    }

    [Fact]
    public void CompletedVisit_StaysCompletedAfterDeath()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13")) with { DiedOn = D("2026-12-14") },
            "2026-12-20");

        Assert.Equal(VisitStatus.Completed, StatusOf(schedule, "SURGERY"));
    }

    [Fact]
    public void UnknownArmOrSite_IsAProgrammingError()
    {
        Assert.Throws<ArgumentException>(() => Build(Participant("chemo_only", "2026-11-29"), "2026-11-29"));
        Assert.Throws<ArgumentException>(() => Build(Participant(SurgeryOnly, "2026-11-29") with { SiteId = "MARS" }, "2026-11-29"));
    }
}
