using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

/// <summary>
/// The table of protocol.md §5 for both arms, every date computed by hand. Visits anchored to an actual date are
/// recorded on their target dates so that the whole chain has dates.
/// </summary>
public class ScheduleOfEventsTableTests
{
    private static readonly string[] FollowUpFrom20261129 =
    [
        // Month m = 2026-11-29 plus m calendar months; 2027-02-29 does not exist and clamps to 02-28.
        "FU03 2027-02-28 2027-02-14 2027-03-14",
        "FU06 2027-05-29 2027-05-15 2027-06-12",
        "FU09 2027-08-29 2027-08-15 2027-09-12",
        "FU12 2027-11-29 2027-11-15 2027-12-13",
        "FU15 2028-02-29 2028-02-15 2028-03-14",
        "FU18 2028-05-29 2028-05-15 2028-06-12",
        "FU21 2028-08-29 2028-08-15 2028-09-12",
        "FU24 2028-11-29 2028-11-15 2028-12-13",
        "FU30 2029-05-29 2029-04-29 2029-06-28",
        "FU36 2029-11-29 2029-10-30 2029-12-29",
        "FU42 2030-05-29 2030-04-29 2030-06-28",
        "FU48 2030-11-29 2030-10-30 2030-12-29",
        "FU54 2031-05-29 2031-04-29 2031-06-28",
        "FU60 2031-11-29 2031-10-30 2031-12-29",
    ];

    private static readonly string[] FollowUpFrom20260831 =
    [
        // Every month is counted from the allocation date, never chained: FU09 is 05-31, not 05-28.
        "FU03 2026-11-30 2026-11-16 2026-12-14",
        "FU06 2027-02-28 2027-02-14 2027-03-14",
        "FU09 2027-05-31 2027-05-17 2027-06-14",
        "FU12 2027-08-31 2027-08-17 2027-09-14",
        "FU15 2027-11-30 2027-11-16 2027-12-14",
        "FU18 2028-02-29 2028-02-15 2028-03-14",
        "FU21 2028-05-31 2028-05-17 2028-06-14",
        "FU24 2028-08-31 2028-08-17 2028-09-14",
        "FU30 2029-02-28 2029-01-29 2029-03-30",
        "FU36 2029-08-31 2029-08-01 2029-09-30",
        "FU42 2030-02-28 2030-01-29 2030-03-30",
        "FU48 2030-08-31 2030-08-01 2030-09-30",
        "FU54 2031-02-28 2031-01-29 2031-03-30",
        "FU60 2031-08-31 2031-08-01 2031-09-30",
    ];

    [Fact]
    public void NeoadjuvantAllocatedOn20261129_EveryVisitHasTheProtocolTargetAndWindow()
    {
        var participant = Participant(Neoadjuvant, "2026-11-29",
            Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-27"), Done("C3D1", "2027-01-17"), Done("SURGERY", "2027-02-21"));

        var schedule = Build(participant, "2026-11-29");

        Assert.Equal(
        [
            "C1D1 2026-12-06 2026-11-29 2026-12-13",     // allocation +7, -7..+7
            "C2D1 2026-12-27 2026-12-24 2027-01-10",     // actual C1D1 +21, -3..+14
            "C3D1 2027-01-17 2027-01-14 2027-01-31",     // actual C2D1 +21, -3..+14
            "RESTAGE 2027-02-04 2027-01-31 2027-02-14",  // actual C3D1 +18, -4..+10
            "SURGERY 2027-02-21 2027-02-07 2027-02-28",  // actual C3D1 +35, -14..+7
            "POSTOP30 2027-03-23 2027-03-16 2027-03-30", // actual SURGERY +30, -7..+7
            .. FollowUpFrom20261129,
        ], schedule.Visits.Select(Row));
    }

    [Fact]
    public void SurgeryOnlyAllocatedOn20261129_EveryVisitHasTheProtocolTargetAndWindow()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13")), "2026-11-29");

        Assert.Equal(
        [
            "SURGERY 2026-12-13 2026-11-29 2026-12-27",  // allocation +14, -14..+14
            "POSTOP30 2027-01-12 2027-01-05 2027-01-19", // actual SURGERY +30, -7..+7
            .. FollowUpFrom20261129,
        ], schedule.Visits.Select(Row));
    }

    [Fact]
    public void NeoadjuvantAllocatedOnTheLastDayOfAugust_ClampsFollowUpToMonthEnds()
    {
        var participant = Participant(Neoadjuvant, "2026-08-31",
            Done("C1D1", "2026-09-07"), Done("C2D1", "2026-09-28"), Done("C3D1", "2026-10-19"), Done("SURGERY", "2026-11-23"));

        var schedule = Build(participant, "2026-08-31");

        Assert.Equal(
        [
            "C1D1 2026-09-07 2026-08-31 2026-09-14",
            "C2D1 2026-09-28 2026-09-25 2026-10-12",
            "C3D1 2026-10-19 2026-10-16 2026-11-02",
            "RESTAGE 2026-11-06 2026-11-02 2026-11-16",
            "SURGERY 2026-11-23 2026-11-09 2026-11-30",
            "POSTOP30 2026-12-23 2026-12-16 2026-12-30",
            .. FollowUpFrom20260831,
        ], schedule.Visits.Select(Row));
    }

    [Fact]
    public void SurgeryOnlyAllocatedOnTheLastDayOfAugust_ClampsFollowUpToMonthEnds()
    {
        var schedule = Build(Participant(SurgeryOnly, "2026-08-31", Done("SURGERY", "2026-09-14")), "2026-08-31");

        Assert.Equal(
        [
            "SURGERY 2026-09-14 2026-08-31 2026-09-28",
            "POSTOP30 2026-10-14 2026-10-07 2026-10-21",
            .. FollowUpFrom20260831,
        ], schedule.Visits.Select(Row));
    }

    [Fact]
    public void Schedule_CarriesKindsLabelsAndTheProtocolVersion()
    {
        var schedule = Build(Participant(Neoadjuvant, "2026-11-29"), "2026-11-29");

        Assert.Equal("NATARS-1.0", schedule.ProtocolVersion);
        Assert.Equal((VisitKind.ChemoCycle, "Cycle 2 day 1"), (schedule.Visit("C2D1").Kind, schedule.Visit("C2D1").Label));
        Assert.Equal((VisitKind.Restaging, "Restaging CT"), (schedule.Visit("RESTAGE").Kind, schedule.Visit("RESTAGE").Label));
        Assert.Equal((VisitKind.FollowUp, "Follow-up month 36"), (schedule.Visit("FU36").Kind, schedule.Visit("FU36").Label));
    }

    [Fact]
    public void StudyEndDate_BoundsOnlyTheSurvivalVisits()
    {
        // NATARS-1.0 ends 2027-11-01: FU60 (2031) is still scheduled, SURV66 is not.
        var natars = Build(Participant(SurgeryOnly, "2026-11-29"), "2026-11-29");
        Assert.Equal("FU60", natars.Visits[^1].VisitId);

        // SURV72 falls on 2032-11-29: scheduled when the study ends that day, not when it ends the day before.
        var onTheEndDate = ScheduleBuilder.Build(WithStudyEnd(D("2032-11-29")), Participant(SurgeryOnly, "2026-11-29"), D("2026-11-29"));
        var dayBefore = ScheduleBuilder.Build(WithStudyEnd(D("2032-11-28")), Participant(SurgeryOnly, "2026-11-29"), D("2026-11-29"));

        Assert.Equal(["FU60", "SURV66", "SURV72"], onTheEndDate.Visits.Skip(onTheEndDate.Visits.Count - 3).Select(v => v.VisitId));
        Assert.Equal(["FU54", "FU60", "SURV66"], dayBefore.Visits.Skip(dayBefore.Visits.Count - 3).Select(v => v.VisitId));
        Assert.Equal(
            ["SURV66 2032-05-29 2032-04-29 2032-06-28", "SURV72 2032-11-29 2032-10-30 2032-12-29"],
            onTheEndDate.Visits.Where(v => v.VisitId.StartsWith("SURV", StringComparison.Ordinal)).Select(Row));
        Assert.Equal("Survival follow-up month 72", onTheEndDate.Visit("SURV72").Label);
    }
}
