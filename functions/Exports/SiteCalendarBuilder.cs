using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Exports;

/// <summary>One participant of the site's calendar: the schedule and how many times the participant's timeline changed.</summary>
/// <param name="Revision">
/// Count of the records the schedule was built from (recorded visits, death, withdrawal, closure). Records are
/// append-only, so it only grows, and it grows whenever a window can have moved: it is every event's <c>SEQUENCE</c>.
/// </param>
public sealed record SiteCalendarEntry(ParticipantRecord Participant, ParticipantSchedule Schedule, int Revision)
{
    public static int RevisionOf(ParticipantTimeline timeline) =>
        timeline.RecordedVisits.Count + (timeline.DiedOn is null ? 0 : 1) + (timeline.WithdrewOn is null ? 0 : 1)
        + (timeline.StudyClosedOn is null ? 0 : 1);
}

/// <summary>
/// A site's visit windows as an iCalendar feed (RFC 5545) that coordinators subscribe to. One all-day event per visit
/// that has a window: DTSTART = window start, DTEND = window end + 1 day (DTEND of an all-day event is exclusive).
/// UIDs are <c>{participantId}-{visitId}@{UidDomain}</c>, so a client updates an event when its window moves instead
/// of adding a second one. Cancelled visits (after death, withdrawal, closure) stay in the feed as
/// <c>STATUS:CANCELLED</c>, so a subscribed calendar removes or strikes them rather than keeping a stale window;
/// visits still waiting for their anchor have no dates and are left out. Summaries carry the study id and visit label only.
/// </summary>
public static class SiteCalendarBuilder
{
    public const string ContentType = "text/calendar; charset=utf-8";
    public const string UidDomain = "natars.nct05844813";
    public const string ProductId = "-//NATARS//RpsServerless site calendar//EN";

    public static Calendar Build(string siteId, IReadOnlyList<SiteCalendarEntry> entries, DateTimeOffset generatedAt)
    {
        var calendar = new Calendar { ProductId = ProductId, Scale = "GREGORIAN" };
        calendar.AddProperty("X-WR-CALNAME", $"NATARS visits – {siteId}");
        var stamp = new CalDateTime(generatedAt.UtcDateTime, "UTC", hasTime: true);
        foreach (var entry in entries.OrderBy(e => e.Participant.ParticipantId, StringComparer.Ordinal))
        {
            foreach (var visit in entry.Schedule.Visits)
            {
                if (visit is not { WindowStart: { } start, WindowEnd: { } end }) continue;
                var calendarEvent = new CalendarEvent
                {
                    Uid = Uid(entry.Participant.ParticipantId, visit.VisitId),
                    Summary = $"{visit.Label} – {entry.Participant.ParticipantId}",
                    Description = Description(visit),
                    DtStart = new CalDateTime(start),
                    DtEnd = new CalDateTime(end.AddDays(1)),
                    DtStamp = stamp,
                    Sequence = entry.Revision,
                    // Free: a window is not a meeting, it must not block the coordinator's availability.
                    Transparency = TransparencyType.Transparent,
                };
                if (visit.Status == VisitStatus.Cancelled) calendarEvent.Status = EventStatus.Cancelled;
                else if (visit.Status == VisitStatus.Completed) calendarEvent.Status = EventStatus.Confirmed;
                calendar.Events.Add(calendarEvent);
            }
        }
        return calendar;
    }

    public static string Serialize(Calendar calendar) => new CalendarSerializer().SerializeToString(calendar)!;

    public static string Uid(string participantId, string visitId) => $"{participantId}-{visitId}@{UidDomain}";

    private static string Description(ScheduledVisit visit)
    {
        var status = visit.Status switch
        {
            VisitStatus.Completed => $"completed on {visit.CompletedOn:yyyy-MM-dd}",
            VisitStatus.Cancelled => "cancelled",
            VisitStatus.Missed => "missed",
            VisitStatus.Overdue => "overdue: the window has closed",
            VisitStatus.Due => "due: the window is open",
            _ => "scheduled",
        };
        var target = visit.TargetDate is { } t ? $"target {t:yyyy-MM-dd}, " : "";
        return $"Visit {visit.VisitId}: {target}window {visit.WindowStart:yyyy-MM-dd} to {visit.WindowEnd:yyyy-MM-dd}; {status}.";
    }
}
