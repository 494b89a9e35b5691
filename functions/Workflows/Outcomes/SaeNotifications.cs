using System.Globalization;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Outcomes;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>
/// The <c>sae_report_due</c> notifications of a clock. Their ids are a function of the adverse event and the clock
/// generation only, so a retried send is deduplicated by every channel (api.md: the id is the deduplication key).
/// The texts name the event by id, never by its clinical term: notifications travel beyond the trial database.
/// </summary>
public static class SaeNotifications
{
    public static string InitialId(SaeClockRecord clock) =>
        clock.Generation == 1 ? $"ntf_sae_{clock.AdverseEventId}" : string.Create(CultureInfo.InvariantCulture, $"ntf_sae_{clock.AdverseEventId}_{clock.Generation}");

    public static string EscalationId(SaeClockRecord clock) => InitialId(clock) + "_escalated";

    public static CoordinatorNotification Initial(SaeClockRecord clock, ProtocolDefinition protocol, DateTimeOffset now)
    {
        var deadline = SiteTime(protocol, clock.SiteId, clock.Deadline);
        return new CoordinatorNotification(InitialId(clock), clock.SiteId, clock.ParticipantId, NotificationKind.SaeReportDue, null,
            $"SAE report to the sponsor due by {deadline} (site time)",
            $"Adverse event {clock.AdverseEventId} of {clock.ParticipantId} is serious. Report it to the sponsor within " +
            $"{protocol.Endpoints.SaeReportHours} hours of awareness ({SiteTime(protocol, clock.SiteId, clock.AwareAt)}), then mark the report sent.",
            null, null, clock.Deadline, now);
    }

    public static CoordinatorNotification Escalation(SaeClockRecord clock, ProtocolDefinition protocol, DateTimeOffset now)
    {
        var deadline = SiteTime(protocol, clock.SiteId, clock.Deadline);
        return new CoordinatorNotification(EscalationId(clock), clock.SiteId, clock.ParticipantId, NotificationKind.SaeReportDue, null,
            $"ESCALATED: SAE report to the sponsor overdue since {deadline} (site time)",
            $"No sponsor report is marked sent for serious adverse event {clock.AdverseEventId} of {clock.ParticipantId}, " +
            $"{protocol.Endpoints.SaeReportHours} hours after awareness. Report it now and mark the report sent.",
            null, null, clock.Deadline, now);
    }

    private static string SiteTime(ProtocolDefinition protocol, string siteId, DateTimeOffset instant)
    {
        var zone = protocol.FindSite(siteId) is not null ? SiteClock.TimeZoneOf(protocol, siteId) : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
