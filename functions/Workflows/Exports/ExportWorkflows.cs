using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Exports;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
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
    IAuditTrail audit,
    TimeProvider time,
    ILogger<ExportFhir> logger)
{
    public async Task<ApiResponse> RunAsync(CallerContext caller, CancellationToken cancellationToken)
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
        var content = FhirExportBuilder.Serialize(bundle);
        await ExportAudit.RecordAsync(audit, caller, "fhir", null, content, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.FhirExported, "FHIR export of {Count} participants", all.Count);
        return new ApiResponse(StatusCodes.Status200OK, FhirExportBuilder.ContentType, content)
            .WithHeader("Cache-Control", "no-store");
    }
}

/// <summary><c>GET /api/sites/{siteId}/calendar.ics</c>: the site's visit windows as an iCalendar feed.</summary>
public sealed class ExportSiteCalendar(
    IParticipantDirectory participants,
    IParticipantTimelineSource timelines,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<ExportSiteCalendar> logger)
{
    public async Task<ApiResponse> RunAsync(CallerContext caller, string siteId, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var protocol = ProtocolCatalog.Get();
        if (protocol.FindSite(siteId) is null) return Security.AccessProblems.NotFound(context); // as a site out of scope
        using var scope = logger.BeginScope(new Dictionary<string, object> { [LogScopes.SiteId] = siteId });
        var now = time.GetUtcNow();
        var entries = new List<SiteCalendarEntry>();
        foreach (var participant in await ParticipantListing.BySiteAsync(participants, siteId, cancellationToken).ConfigureAwait(false))
        {
            var (timeline, schedule) = await ScheduleOf.BuildAsync(timelines, participant, now, cancellationToken).ConfigureAwait(false);
            entries.Add(new SiteCalendarEntry(participant, schedule, SiteCalendarEntry.RevisionOf(timeline)));
        }
        var text = SiteCalendarBuilder.Serialize(SiteCalendarBuilder.Build(siteId, entries, now));
        var content = Encoding.UTF8.GetBytes(text);
        await ExportAudit.RecordAsync(audit, caller, "calendar.ics", siteId, content, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.CalendarExported, "Calendar of {Count} participants exported", entries.Count);
        return new ApiResponse(StatusCodes.Status200OK, SiteCalendarBuilder.ContentType, content)
            .WithHeader("Cache-Control", "no-store");
    }
}

/// <summary>
/// Every download of an export is an access to trial data and recorded (<see cref="AuditActions.ExportDownloaded"/>):
/// entity <c>export/&lt;name&gt;</c>, the after-hash over the exact bytes served, keyed by the request so that the
/// request is recorded once.
/// </summary>
public static class ExportAudit
{
    public static Task RecordAsync(IAuditTrail audit, CallerContext caller, string export, string? siteId, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken) =>
        audit.RecordAsync(caller.Actor, new AuditChange(AuditActions.ExportDownloaded, "export", export)
        {
            SiteId = siteId,
            After = new { sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.Span)), bytes = content.Length },
            EventKey = $"{AuditActions.ExportDownloaded}:{export}:{caller.RequestId}",
        }, cancellationToken);
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
