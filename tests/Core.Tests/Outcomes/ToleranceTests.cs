using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>Tolerance figures of hand-built neoadjuvant participants (protocol.md §6).</summary>
public class ToleranceTests
{
    private static readonly StudyDrug[] AllDrugs = [StudyDrug.Doxorubicin, StudyDrug.Ifosfamide, StudyDrug.Anlotinib];

    // C1D1 target allocation + 7; C2D1 and C3D1 targets 21 days after the previous actual day 1 (protocol.md §5).
    private static NeoadjuvantCourse OnSchedule() => new("NATARS-PKUIH-0001",
    [
        new CycleRecord("C1D1", Day(7), Day(7), AllDrugs),
        new CycleRecord("C2D1", Day(28), Day(28), AllDrugs),
        new CycleRecord("C3D1", Day(49), Day(49), AllDrugs),
    ], null, Day(84));

    // Cycle 2 a week late for neutropenia at a reduced dose; cycle 3 started without anlotinib, then stopped for toxicity.
    private static NeoadjuvantCourse Troubled() => new("NATARS-BFH-0002",
    [
        new CycleRecord("C1D1", Day(7), Day(5), AllDrugs),
        new CycleRecord("C2D1", Day(26), Day(33), AllDrugs, DoseReduced: true, DelayReason: "neutropenia"),
        new CycleRecord("C3D1", Day(54), Day(57), [StudyDrug.Doxorubicin, StudyDrug.Ifosfamide], DoseReduced: true, DelayReason: "patient_request"),
    ], TreatmentStopReason.Toxicity, Day(100));

    // Only cycle 1, then progression; no surgery yet.
    private static NeoadjuvantCourse StoppedEarly() => new("NATARS-ZSH-0003",
    [
        new CycleRecord("C1D1", Day(7), Day(10), AllDrugs),
        new CycleRecord("C2D1", Day(31), null, []),
        new CycleRecord("C3D1", Day(52), null, []),
    ], TreatmentStopReason.Progression, null);

    [Fact]
    public void PlannedCycles_ComeFromTheProtocolSchedule() => Assert.Equal(3, Tolerance.PlannedCycles(Natars));

    [Fact]
    public void OnScheduleParticipant_CompletesThreeCyclesWithoutDelayAnd35DaysToSurgery()
    {
        var tolerance = Tolerance.Of(OnSchedule(), Natars);
        Assert.Equal((3, 3, 3, true), (tolerance.CyclesPlanned, tolerance.CyclesStarted, tolerance.CyclesCompleted, tolerance.CompletedAllCycles));
        Assert.All(tolerance.Delays, d => Assert.Equal(0, d.DaysBeyondTarget));
        Assert.Equal(0, tolerance.CyclesWithDoseReduction);
        Assert.Equal(35, tolerance.DaysFromLastCycleToSurgery);
        Assert.False(tolerance.StopReasonMissing);
    }

    [Fact]
    public void TroubledParticipant_CountsDelaysReductionsAndAnIncompleteCycle()
    {
        var tolerance = Tolerance.Of(Troubled(), Natars);
        Assert.Equal((3, 2, false), (tolerance.CyclesStarted, tolerance.CyclesCompleted, tolerance.CompletedAllCycles));
        // Early C1 counts as 0 days beyond target, not -2.
        Assert.Equal([("C1D1", 0), ("C2D1", 7), ("C3D1", 3)], tolerance.Delays.Select(d => (d.VisitId, d.DaysBeyondTarget)));
        Assert.Equal("neutropenia", tolerance.Delays[1].Reason);
        Assert.Equal(2, tolerance.CyclesWithDoseReduction);
        Assert.Equal(TreatmentStopReason.Toxicity, tolerance.StopReason);
        Assert.Equal(43, tolerance.DaysFromLastCycleToSurgery);
    }

    [Fact]
    public void ParticipantStoppedAfterOneCycle_HasOneCycleAndNoSurgeryInterval()
    {
        var tolerance = Tolerance.Of(StoppedEarly(), Natars);
        Assert.Equal((1, 1), (tolerance.CyclesStarted, tolerance.CyclesCompleted));
        Assert.Equal([3], tolerance.Delays.Select(d => d.DaysBeyondTarget));
        Assert.Null(tolerance.DaysFromLastCycleToSurgery);
        Assert.Equal(TreatmentStopReason.Progression, tolerance.StopReason);
    }

    [Fact]
    public void IncompleteCourseWithSurgeryAndNoStopReason_IsFlaggedForAQuery()
    {
        var course = Troubled() with { StopReason = null };
        Assert.True(Tolerance.Of(course, Natars).StopReasonMissing);
    }

    [Fact]
    public void ArmSummary_CountsCompletersMediansAndStopReasons()
    {
        var participants = new[] { OnSchedule(), Troubled(), StoppedEarly() }.Select(c => Tolerance.Of(c, Natars)).ToArray();
        var summary = SafetySummary.Summarise(participants, Tolerance.PlannedCycles(Natars));
        Assert.Equal(3, summary.Participants);
        Assert.Equal(1, summary.CompletedAllCycles);
        Assert.Equal(7, summary.CyclesStarted);
        // Delays 0,0,0,0,7,3,3 → median 0; three cycles late.
        Assert.Equal(0, summary.MedianDelayDays);
        Assert.Equal(3, summary.CyclesDelayed);
        Assert.Equal((1, 2), (summary.ParticipantsWithDoseReduction, summary.CyclesWithDoseReduction));
        // 35 and 43 days → 39.
        Assert.Equal(39, summary.MedianDaysLastCycleToSurgery);
        Assert.Equal([new StopReasonCount(TreatmentStopReason.Toxicity, 1), new StopReasonCount(TreatmentStopReason.Progression, 1)], summary.StopReasons);
        Assert.Equal(0, summary.StopReasonsMissing);
    }

    [Fact]
    public void EmptyArm_HasNoMedians()
    {
        var summary = SafetySummary.Summarise([], 3);
        Assert.Equal((0, (double?)null, (double?)null), (summary.Participants, summary.MedianDelayDays, summary.MedianDaysLastCycleToSurgery));
    }
}
