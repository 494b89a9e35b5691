using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Outcomes;

/// <summary>
/// One chemotherapy cycle as the schedule and the cycle visit record it (the scheduling engine supplies the target
/// date, so delays are measured against the same target the site saw).
/// </summary>
/// <param name="VisitId">C1D1, C2D1, C3D1.</param>
/// <param name="ActualDate">Day 1 as given; null when the cycle was not started.</param>
/// <param name="DrugsGiven">The regimen's drugs given in the cycle (at full or reduced dose).</param>
/// <param name="DoseReduced">Any drug of the cycle given at a reduced dose.</param>
/// <param name="DelayReason">The site's reason code for a start after the target date.</param>
public sealed record CycleRecord(
    string VisitId,
    DateOnly TargetDate,
    DateOnly? ActualDate,
    IReadOnlyList<StudyDrug> DrugsGiven,
    bool DoseReduced = false,
    string? DelayReason = null)
{
    public bool Started => ActualDate is not null;

    /// <summary>
    /// A cycle is completed when every drug of the regimen was given in it, at full or reduced dose: a reduced dose is
    /// a dose reduction, counted separately, not an incomplete cycle. A cycle missing a drug is started, not completed.
    /// </summary>
    public bool Completed => Started && Enum.GetValues<StudyDrug>().All(DrugsGiven.Contains);

    /// <summary>Days day 1 fell after the target date; 0 when on or before it.</summary>
    public int? DaysBeyondTarget => ActualDate is { } actual ? Math.Max(0, actual.DayNumber - TargetDate.DayNumber) : null;
}

/// <summary>The neoadjuvant course of one participant of the neoadjuvant arm.</summary>
/// <param name="StopReason">Why treatment stopped before all planned cycles; null when it did not (or was not recorded).</param>
public sealed record NeoadjuvantCourse(
    string ParticipantId,
    IReadOnlyList<CycleRecord> Cycles,
    TreatmentStopReason? StopReason,
    DateOnly? SurgeryDate);

public sealed record CycleDelay(string VisitId, int DaysBeyondTarget, string? Reason);

/// <summary>Tolerance of the neoadjuvant regimen for one participant (protocol.md §6).</summary>
/// <param name="DaysFromLastCycleToSurgery">Surgery date − day 1 of the last cycle started; null without surgery or without a cycle.</param>
/// <param name="StopReasonMissing">Fewer cycles completed than planned, the participant has had surgery, and no stop reason was recorded: a query for the site.</param>
public sealed record ParticipantTolerance(
    string ParticipantId,
    int CyclesPlanned,
    int CyclesStarted,
    int CyclesCompleted,
    IReadOnlyList<CycleDelay> Delays,
    int CyclesWithDoseReduction,
    TreatmentStopReason? StopReason,
    bool StopReasonMissing,
    int? DaysFromLastCycleToSurgery)
{
    public bool CompletedAllCycles => CyclesCompleted >= CyclesPlanned;
}

public static class Tolerance
{
    /// <summary>The number of chemotherapy cycles the protocol schedules for the neoadjuvant arm (3 in NATARS-1.0).</summary>
    public static int PlannedCycles(ProtocolDefinition protocol) =>
        protocol.Schedule.Visits.Count(v => v.Kind == VisitKind.ChemoCycle);

    public static ParticipantTolerance Of(NeoadjuvantCourse course, ProtocolDefinition protocol)
    {
        var planned = PlannedCycles(protocol);
        var started = course.Cycles.Where(c => c.Started).OrderBy(c => c.ActualDate).ToArray();
        var completed = started.Count(c => c.Completed);
        // Every started cycle has a delay value, 0 included: the median delay is over cycles given, not only late ones.
        var delays = started.Select(c => new CycleDelay(c.VisitId, c.DaysBeyondTarget!.Value, c.DelayReason)).ToArray();
        // Time to surgery runs from day 1 of the last cycle given: the protocol anchors SURGERY to the actual C3D1,
        // and day 1 is the one date every cycle record has.
        int? toSurgery = course.SurgeryDate is { } surgery && started.Length > 0
            ? surgery.DayNumber - started[^1].ActualDate!.Value.DayNumber
            : null;
        var stopMissing = completed < planned && course.StopReason is null && course.SurgeryDate is not null;
        return new ParticipantTolerance(course.ParticipantId, planned, started.Length, completed, delays,
            started.Count(c => c.DoseReduced), course.StopReason, stopMissing, toSurgery);
    }
}
