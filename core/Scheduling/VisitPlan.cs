using System.Globalization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Scheduling;

/// <summary>One visit of an arm's schedule, resolved from the protocol definition.</summary>
/// <param name="AnchorIndex">Index of the anchor visit in the arm's list, or -1 for the allocation date.</param>
/// <param name="Month">For follow-up visits, the target is the allocation date plus this many calendar months
/// (0 for visits that use <paramref name="OffsetDays"/>).</param>
internal readonly record struct VisitSpec(
    string Id,
    VisitKind Kind,
    string Label,
    string? Series,
    bool PreDoseCheck,
    int AnchorIndex,
    int OffsetDays,
    int Month,
    VisitWindow Window);

/// <summary>The event that ended a participant's schedule (the earliest of death, withdrawal and study closure).</summary>
internal readonly record struct ScheduleEnd(DateOnly On, string Reason);

/// <summary>
/// The visits of one participant with their dates, records and statuses: the part of the schedule that both
/// <see cref="ScheduleBuilder"/> and <see cref="VisitRecording"/> need. Arrays are parallel, indexed like
/// <see cref="Specs"/>.
/// </summary>
internal sealed class VisitPlan
{
    public required List<VisitSpec> Specs { get; init; }
    public required ScheduledVisit[] Visits { get; init; }

    /// <summary>The date each visit's dates were computed from (allocation or the anchor's date); null if pending.</summary>
    public required DateOnly?[] AnchorDates { get; init; }

    /// <summary>
    /// The latest actual date along each visit's anchor chain (the allocation date at the root): the visit cannot have
    /// happened before it.
    /// </summary>
    public required DateOnly[] EarliestPossibleDates { get; init; }

    public required RecordedVisit?[] Records { get; init; }
    public required ScheduleEnd? End { get; init; }

    public int IndexOf(string visitId)
    {
        for (var i = 0; i < Specs.Count; i++)
            if (Specs[i].Id == visitId) return i;
        return -1;
    }

    public static VisitPlan Compute(ProtocolDefinition protocol, ParticipantTimeline participant, DateOnly today)
    {
        if (protocol.FindArm(participant.Arm) is null)
            throw new ArgumentException($"Protocol {protocol.Version} has no arm '{participant.Arm}'.", nameof(participant));

        var specs = SpecsFor(protocol, participant.Arm, participant.AllocatedOn);
        var n = specs.Count;
        var records = RecordsBySpec(specs, participant.RecordedVisits);
        var end = EndOf(participant);

        var targets = new DateOnly?[n];
        var anchorDates = new DateOnly?[n];
        var earliest = new DateOnly[n];
        for (var i = 0; i < n; i++)
        {
            var spec = specs[i];
            if (spec.AnchorIndex < 0)
            {
                anchorDates[i] = participant.AllocatedOn;
                earliest[i] = participant.AllocatedOn;
                targets[i] = spec.Month > 0
                    ? participant.AllocatedOn.AddMonths(spec.Month)
                    : participant.AllocatedOn.AddDays(spec.OffsetDays);
                continue;
            }

            var a = spec.AnchorIndex;
            var anchorRecord = records[a];
            earliest[i] = anchorRecord is { Status: RecordedVisitStatus.Completed, Date: { } done } ? done : earliest[a];
            // Decision (spec silent): a missed anchor has no actual date, so its dependants are scheduled from the
            // anchor's target date instead. A neoadjuvant participant whose chemotherapy stops after a missed cycle
            // still needs the restaging CT and surgery scheduled and recordable; leaving them pending_anchor would hide
            // the surgery from the site's worklist for good. The site marks any cycle that will not be given as missed.
            anchorDates[i] = anchorRecord switch
            {
                { Status: RecordedVisitStatus.Completed, Date: { } actual } => actual,
                { Status: RecordedVisitStatus.Missed } => targets[a],
                _ => null,
            };
            targets[i] = anchorDates[i]?.AddDays(spec.OffsetDays);
        }

        var visits = new ScheduledVisit[n];
        // Walking backwards, remember which series already have a later completed visit.
        string? seriesDoneA = null, seriesDoneB = null;
        List<string>? moreSeriesDone = null;
        for (var i = n - 1; i >= 0; i--)
        {
            var spec = specs[i];
            var record = records[i];
            var laterInSeriesDone = spec.Series is { } series
                && (series == seriesDoneA || series == seriesDoneB || (moreSeriesDone?.Contains(series) ?? false));

            DateOnly? windowStart = targets[i]?.AddDays(-spec.Window.Before);
            DateOnly? windowEnd = targets[i]?.AddDays(spec.Window.After);
            var status = StatusOf(record, windowStart, windowEnd, laterInSeriesDone, end, today);
            var completedOn = record is { Status: RecordedVisitStatus.Completed } ? record.Date : null;
            visits[i] = new ScheduledVisit(spec.Id, spec.Kind, spec.Label, targets[i], windowStart, windowEnd, status, completedOn);

            if (status == VisitStatus.Completed && spec.Series is { } done && !laterInSeriesDone)
            {
                if (seriesDoneA is null) seriesDoneA = done;
                else if (seriesDoneB is null) seriesDoneB = done;
                else (moreSeriesDone ??= []).Add(done);
            }
        }

        return new VisitPlan
        {
            Specs = specs,
            Visits = visits,
            AnchorDates = anchorDates,
            EarliestPossibleDates = earliest,
            Records = records,
            End = end,
        };
    }

    /// <summary>
    /// Visit status per protocol.md §5. What the site recorded comes first; then the series rule; then the end of the
    /// participant's schedule; then the window against today's site-local date.
    /// </summary>
    private static VisitStatus StatusOf(
        RecordedVisit? record, DateOnly? windowStart, DateOnly? windowEnd, bool laterInSeriesDone, ScheduleEnd? end,
        DateOnly today)
    {
        if (record?.Status == RecordedVisitStatus.Completed) return VisitStatus.Completed;
        // Decision (spec: "window closed and marked missed"): a visit the site marks missed is missed at once, even
        // with its window still open. The coordinator knows it will not happen (e.g. chemotherapy stopped for
        // toxicity); keeping it due would keep reminding them about it. Tolerance reports count it as not given.
        if (record?.Status == RecordedVisitStatus.Missed) return VisitStatus.Missed;
        // A later visit of the series was done: this one can no longer be done as planned (protocol.md §5).
        if (laterInSeriesDone) return VisitStatus.Missed;
        // Decision (spec: "visits after death or withdrawal are cancelled"): cancelled are the visits not done whose
        // window had not closed by the ending date (window end on or after it, so a death on the last day of a window
        // cancels that visit), and every visit still waiting for its anchor. A visit whose window closed before the
        // ending date stays overdue: it may well have been done and not yet entered, and the statistician needs it
        // either recorded or marked missed, not silently cancelled.
        if (end is { } e && (windowEnd is null || windowEnd.Value >= e.On)) return VisitStatus.Cancelled;
        if (windowStart is null || windowEnd is null) return VisitStatus.PendingAnchor;
        if (today < windowStart.Value) return VisitStatus.Scheduled;
        return today <= windowEnd.Value ? VisitStatus.Due : VisitStatus.Overdue;
    }

    /// <summary>
    /// The arm's visits in protocol order: the fixed visits listed for the arm, then the follow-up series. Protocol-
    /// defined follow-up (through FU60) is always scheduled; an open-ended series (SURV) continues while its target
    /// date is on or before the study end date.
    /// </summary>
    private static List<VisitSpec> SpecsFor(ProtocolDefinition protocol, string arm, DateOnly allocatedOn)
    {
        var schedule = protocol.Schedule;
        var specs = new List<VisitSpec>(schedule.Visits.Count + 24);
        foreach (var v in schedule.Visits)
        {
            if (!Lists(v.Arms, arm)) continue;
            var anchorIndex = -1;
            if (!v.IsAnchoredToAllocation)
            {
                // The validator guarantees the anchor is a visit listed earlier for the same arm.
                for (var j = specs.Count - 1; j >= 0 && anchorIndex < 0; j--)
                    if (specs[j].Id == v.Anchor) anchorIndex = j;
            }
            specs.Add(new VisitSpec(v.Id, v.Kind, v.Label, v.Series, v.PreDoseCheck, anchorIndex, v.OffsetDays, 0, v.Window));
        }

        foreach (var f in schedule.FollowUp)
        {
            for (var m = f.FirstMonth; f.LastMonth is { } last ? m <= last : allocatedOn.AddMonths(m) <= protocol.Trial.StudyEndDate;
                 m += f.EveryMonths)
            {
                var label = string.Format(CultureInfo.InvariantCulture, f.Label, m);
                specs.Add(new VisitSpec(ProtocolValidator.FollowUpId(f.IdPrefix, m), f.Kind, label, f.Series, false, -1, 0, m, f.Window));
            }
        }
        return specs;
    }

    private static bool Lists(IReadOnlyList<string> arms, string arm)
    {
        for (var i = 0; i < arms.Count; i++)
            if (arms[i] == arm) return true;
        return false;
    }

    private static RecordedVisit?[] RecordsBySpec(List<VisitSpec> specs, IReadOnlyList<RecordedVisit> recorded)
    {
        var records = new RecordedVisit?[specs.Count];
        // Later records replace earlier ones for the same visit; records of visits not in this arm's schedule are ignored.
        for (var r = 0; r < recorded.Count; r++)
            for (var i = 0; i < specs.Count; i++)
                if (specs[i].Id == recorded[r].VisitId)
                {
                    records[i] = recorded[r];
                    break;
                }
        return records;
    }

    private static ScheduleEnd? EndOf(ParticipantTimeline p)
    {
        ScheduleEnd? end = null;
        // On the same date, death is named before withdrawal and withdrawal before closure.
        if (p.DiedOn is { } died) end = new ScheduleEnd(died, $"the participant died on {Format(died)}");
        if (p.WithdrewOn is { } withdrew && (end is null || withdrew < end.Value.On))
            end = new ScheduleEnd(withdrew, $"the participant withdrew on {Format(withdrew)}");
        if (p.StudyClosedOn is { } closed && (end is null || closed < end.Value.On))
            end = new ScheduleEnd(closed, $"the study was closed on {Format(closed)}");
        return end;
    }

    internal static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
