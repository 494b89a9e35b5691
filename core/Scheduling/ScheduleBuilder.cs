using System.Globalization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Scheduling;

/// <summary>
/// The schedule of events (protocol.md §5) as a pure function of the protocol, the participant's state and today's
/// site-local date. The storage layer upserts the visits and reminders it returns with deterministic keys, and uses
/// <see cref="ReminderDiff"/> to replace the reminders of visits that moved.
/// </summary>
public static class ScheduleBuilder
{
    /// <exception cref="ArgumentException">The participant's arm or site is not in the protocol.</exception>
    public static ParticipantSchedule Build(ProtocolDefinition protocol, ParticipantTimeline participant, DateOnly today)
    {
        var zone = SiteClock.TimeZoneOf(protocol, participant.SiteId);
        var plan = VisitPlan.Compute(protocol, participant, today);
        var reminders = PlanReminders(protocol, participant, plan, zone);
        return new ParticipantSchedule(
            participant.ParticipantId, participant.Arm, participant.AllocatedOn, protocol.Version, plan.Visits, reminders);
    }

    /// <summary>
    /// Reminders depend only on the participant's state, never on today: a visit gets them while it can still be done
    /// (it has dates and is neither completed, missed nor cancelled), so rebuilding later yields the same set and
    /// reminders already released stay in it rather than being cancelled and re-created.
    /// </summary>
    private static List<Reminder> PlanReminders(
        ProtocolDefinition protocol, ParticipantTimeline participant, VisitPlan plan, TimeZoneInfo zone)
    {
        var schedule = protocol.Schedule;
        var reminders = new List<Reminder>(plan.Visits.Length * schedule.Reminders.Count);
        for (var i = 0; i < plan.Visits.Length; i++)
        {
            var visit = plan.Visits[i];
            if (visit.Status is not (VisitStatus.Scheduled or VisitStatus.Due or VisitStatus.Overdue)) continue;
            if (visit is not { TargetDate: { } target, WindowStart: { } windowStart, WindowEnd: { } windowEnd }) continue;
            var anchorDate = plan.AnchorDates[i]!.Value;
            var preDose = plan.Specs[i].PreDoseCheck ? schedule.PreDoseCheck : null;
            string? openBody = null, closedBody = null; // shared by the visit's reminders, built when first needed

            foreach (var offset in schedule.Reminders)
            {
                var reference = offset.From switch
                {
                    ReminderReference.WindowStart => windowStart,
                    ReminderReference.Target => target,
                    _ => windowEnd,
                };
                var date = reference.AddDays(offset.Days);
                // A reminder that would fall before the visit's dates could be known is not created: the upcoming
                // reminder of C1D1 (window opens on the allocation day) or of a visit anchored to an actual date.
                // Judged from the anchor date, not from "now", so the set is the same whenever it is rebuilt.
                if (date < anchorDate) continue;
                // Nothing is sent about a participant after the schedule ended.
                if (plan.End is { } end && date > end.On) continue;

                var dueAt = SiteClock.ToUtc(date, schedule.ReminderLocalTime, zone);
                var body = offset.Kind == ReminderKind.VisitOverdue
                    ? closedBody ??= Body(closed: true, windowStart, windowEnd, preDose)
                    : openBody ??= Body(closed: false, windowStart, windowEnd, preDose);
                reminders.Add(new Reminder(
                    ReminderId(participant.ParticipantId, visit.VisitId, offset.Kind, dueAt),
                    participant.SiteId,
                    participant.ParticipantId,
                    visit.VisitId,
                    offset.Kind,
                    date,
                    dueAt,
                    target,
                    windowStart,
                    windowEnd,
                    Title(offset.Kind, visit.Label, date, target, windowStart),
                    body));
            }
        }
        return reminders;
    }

    /// <summary>
    /// <c>rem_{participantId}.{visitId}.{kind}.{due instant as yyyyMMddTHHmmZ}</c>, e.g.
    /// <c>rem_NATARS-PKUIH-0007.C2D1.visit_due.20261220T0000Z</c>. The due instant is part of the identity: a reminder
    /// whose visit moved is a different reminder, so storage replaces it rather than editing one that may already have
    /// been released. Spelled out rather than hashed: unique by construction (no collisions to reason about), readable
    /// in the Reminders table and in support tickets, and a SHA-256 per reminder cost more than the rest of the build.
    /// It is a valid table row key as long as participant ids (NATARS-PKUIH-0007) and visit ids (letters and digits,
    /// checked by the protocol validator) contain no '/', '\', '#' or '?'.
    /// </summary>
    internal static string ReminderId(string participantId, string visitId, ReminderKind kind, DateTimeOffset dueAt) =>
        string.Create(CultureInfo.InvariantCulture,
            $"rem_{participantId}.{visitId}.{ContractName.Of(kind)}.{dueAt.UtcDateTime:yyyyMMdd'T'HHmm'Z'}");

    private static string Title(ReminderKind kind, string label, DateOnly date, DateOnly target, DateOnly windowStart)
    {
        switch (kind)
        {
            case ReminderKind.VisitUpcoming:
                var days = windowStart.DayNumber - date.DayNumber;
                return days switch
                {
                    > 1 => $"{label} window opens in {days} days",
                    1 => $"{label} window opens tomorrow",
                    0 => $"{label} window opens today",
                    _ => $"{label} window opened {VisitPlan.Format(windowStart)}",
                };
            case ReminderKind.VisitDue:
                return date == target ? $"{label} due today" : $"{label} due {VisitPlan.Format(target)}";
            default:
                return $"{label} overdue";
        }
    }

    private static string Body(bool closed, DateOnly windowStart, DateOnly windowEnd, string? preDoseCheck)
    {
        var window = closed
            ? $"Window {VisitPlan.Format(windowStart)} to {VisitPlan.Format(windowEnd)} has closed: record the visit or mark it missed."
            : $"Window {VisitPlan.Format(windowStart)} to {VisitPlan.Format(windowEnd)}.";
        return preDoseCheck is null ? window : window + " " + preDoseCheck;
    }
}
