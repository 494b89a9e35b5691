using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Exports;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows.Exports;

/// <summary>
/// <c>GET /api/exports/fhir</c>: every participant of every site, each with its schedule (built from the recorded
/// visits and status) and the exclusion in force, as a FHIR R4 collection bundle.
/// </summary>
public sealed class ExportFhir(
    IParticipantDirectory participants,
    IParticipantTimelineSource timelines,
    IExclusionReader exclusions,
    TimeProvider time,
    ILogger<ExportFhir> logger)
{
    public async Task<ApiResponse> RunAsync(CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get();
        var now = time.GetUtcNow();
        var all = await ParticipantListing.AllAsync(participants, protocol, cancellationToken).ConfigureAwait(false);
        var progress = new Dictionary<string, ParticipantProgress>(StringComparer.Ordinal);
        foreach (var participant in all)
        {
            var excluded = await exclusions.ExclusionInForceAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false) is not null;
            var (timeline, schedule) = await ScheduleOf.BuildAsync(timelines, participant, now, cancellationToken).ConfigureAwait(false);
            progress[participant.ParticipantId] = ParticipantProgress.From(timeline, schedule, excluded);
        }
        var bundle = FhirExportBuilder.Build(protocol, all, progress, now);
        logger.LogInformation(LogEvents.FhirExported, "FHIR export of {Count} participants", all.Count);
        return new ApiResponse(StatusCodes.Status200OK, FhirExportBuilder.ContentType, FhirExportBuilder.Serialize(bundle))
            .WithHeader("Cache-Control", "no-store");
    }
}

/// <summary><c>GET /api/sites/{siteId}/calendar.ics</c>: the site's visit windows as an iCalendar feed.</summary>
public sealed class ExportSiteCalendar(
    IParticipantDirectory participants,
    IParticipantTimelineSource timelines,
    TimeProvider time,
    ILogger<ExportSiteCalendar> logger)
{
    public async Task<ApiResponse> RunAsync(HttpContext context, string siteId, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get();
        if (protocol.FindSite(siteId) is null) return Problems.NotFound(context, $"No site '{siteId}'.");
        using var scope = logger.BeginScope(new Dictionary<string, object> { [LogScopes.SiteId] = siteId });
        var now = time.GetUtcNow();
        var entries = new List<SiteCalendarEntry>();
        foreach (var participant in await ParticipantListing.BySiteAsync(participants, siteId, cancellationToken).ConfigureAwait(false))
        {
            var (timeline, schedule) = await ScheduleOf.BuildAsync(timelines, participant, now, cancellationToken).ConfigureAwait(false);
            entries.Add(new SiteCalendarEntry(participant, schedule, SiteCalendarEntry.RevisionOf(timeline)));
        }
        var text = SiteCalendarBuilder.Serialize(SiteCalendarBuilder.Build(siteId, entries, now));
        logger.LogInformation(LogEvents.CalendarExported, "Calendar of {Count} participants exported", entries.Count);
        return new ApiResponse(StatusCodes.Status200OK, SiteCalendarBuilder.ContentType, Encoding.UTF8.GetBytes(text))
            .WithHeader("Cache-Control", "no-store");
    }
}

internal static class ScheduleOf
{
    /// <summary>The participant's timeline and the schedule built from it as of today at the site.</summary>
    public static async Task<(ParticipantTimeline Timeline, ParticipantSchedule Schedule)> BuildAsync(IParticipantTimelineSource timelines,
        ParticipantRecord participant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.TryGet(participant.ProtocolVersion, out var p) ? p! : ProtocolCatalog.Get();
        var timeline = await timelines.LoadAsync(participant, cancellationToken).ConfigureAwait(false);
        return (timeline, ScheduleBuilder.Build(protocol, timeline, SiteClock.Today(protocol, participant.SiteId, now)));
    }
}
