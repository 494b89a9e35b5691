using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Scheduling;

/// <summary>
/// Conversions between a site's calendar and UTC instants. Visit dates and statuses are judged against the site's
/// local date (protocol.md §5); reminders are stored and released as UTC instants.
/// </summary>
public static class SiteClock
{
    /// <summary>The site's time zone; the protocol validator has already checked that every site's id resolves.</summary>
    public static TimeZoneInfo TimeZoneOf(ProtocolDefinition protocol, string siteId)
    {
        foreach (var site in protocol.Sites)
            if (site.Id == siteId) return TimeZoneInfo.FindSystemTimeZoneById(site.TimeZone);
        throw new ArgumentException($"Protocol {protocol.Version} has no site '{siteId}'.", nameof(siteId));
    }

    /// <summary>The calendar date at the site at <paramref name="now"/>: the "today" the schedule is judged against.</summary>
    public static DateOnly Today(ProtocolDefinition protocol, string siteId, DateTimeOffset now) =>
        LocalDate(TimeZoneOf(protocol, siteId), now);

    public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>
    /// The UTC instant at which the site's wall clock shows <paramref name="time"/> on <paramref name="date"/>.
    /// A wall-clock time skipped by a forward transition (DST start) is read with the offset in force before the jump,
    /// which lands just after it (02:30 in a 02:00→03:00 gap is 03:30): the reminder still arrives that morning.
    /// A time that occurs twice (DST end) is the first occurrence, so the reminder is never an hour late.
    /// </summary>
    public static DateTimeOffset ToUtc(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // A day earlier is before the transition: time zones do not change offset twice within a day.
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            offset = TimeSpan.MinValue;
            foreach (var candidate in zone.GetAmbiguousTimeOffsets(local))
                if (candidate > offset) offset = candidate;
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }
        return new DateTimeOffset(DateTime.SpecifyKind(local - offset, DateTimeKind.Unspecified), TimeSpan.Zero);
    }
}
