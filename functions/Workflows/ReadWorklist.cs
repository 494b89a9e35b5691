using System.Globalization;
using Microsoft.AspNetCore.Http;
using RpsServerless.Core;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>Where a visit stands on the site's worklist, judged against today at the site.</summary>
public enum WorklistStatus
{
    /// <summary>The window opens later.</summary>
    Upcoming,
    /// <summary>The window is open today.</summary>
    Due,
    /// <summary>The window closed and the visit is neither recorded nor marked missed.</summary>
    Overdue,
}

public sealed record WorklistVisit(
    string ParticipantId,
    string VisitId,
    VisitKind Kind,
    string Label,
    DateOnly TargetDate,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    WorklistStatus Status);

/// <summary>
/// A serious adverse event whose report to the sponsor is not marked sent: the 24-hour deadline, and whether it has
/// passed (the escalation was sent).
/// </summary>
public sealed record WorklistSaeClock(string ParticipantId, string AdverseEventId, DateTimeOffset DueAt, bool Overdue);

public sealed record WorklistBody(
    string SiteId,
    DateOnly Today,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<WorklistVisit> Visits,
    IReadOnlyList<WorklistSaeClock> SaeClocks);

/// <summary>
/// <c>GET /api/sites/{siteId}/worklist?from=&amp;to=</c>: what the site must do — overdue visits (whatever their date),
/// visits due and visits whose window opens by <c>to</c>, by target date. One partition query on <c>SiteVisits</c>.
/// Open SAE report clocks are listed whatever the range: a report deadline is never outside what the site must do.
/// </summary>
public sealed class ReadWorklist(ISiteVisitIndex siteVisits, ISaeClockReader saeClocks, TimeProvider time)
{
    public const int DefaultDays = 14;
    public const int MaxDays = 366;

    public async Task<ApiResponse> RunAsync(HttpContext context, string siteId, CancellationToken cancellationToken)
    {
        var protocol = ProtocolCatalog.Get();
        if (!protocol.Sites.Any(site => site.Id == siteId))
            return Security.AccessProblems.NotFound(context); // as a site out of the caller's scope
        var today = SiteClock.Today(protocol, siteId, time.GetUtcNow());

        var errors = new List<FieldError>();
        var from = ReadDate(context.Request, "from", errors) ?? today;
        var to = ReadDate(context.Request, "to", errors) ?? from.AddDays(DefaultDays);
        if (errors.Count == 0 && to < from) errors.Add(new FieldError("to", "Must not be before from."));
        if (errors.Count == 0 && to.DayNumber - from.DayNumber > MaxDays) errors.Add(new FieldError("to", $"At most {MaxDays} days after from."));
        if (errors.Count > 0) return Problems.Validation(context, errors);

        var openClocks = saeClocks.OpenForSiteAsync(siteId, cancellationToken);
        var open = await siteVisits.OpenUntilAsync(siteId, to, cancellationToken).ConfigureAwait(false);
        var visits = new List<WorklistVisit>();
        foreach (var (participantId, visit) in open)
        {
            if (visit is not { TargetDate: { } target, WindowStart: { } start, WindowEnd: { } end }) continue;
            var status = today > end ? WorklistStatus.Overdue : today >= start ? WorklistStatus.Due : WorklistStatus.Upcoming;
            // An overdue visit stays on the list until it is recorded; others only when their window meets the range.
            if (status != WorklistStatus.Overdue && end < from) continue;
            visits.Add(new WorklistVisit(participantId, visit.VisitId, visit.Kind, visit.Label, target, start, end, status));
        }
        visits.Sort((a, b) =>
        {
            var byDate = a.TargetDate.CompareTo(b.TargetDate);
            if (byDate != 0) return byDate;
            var byParticipant = string.CompareOrdinal(a.ParticipantId, b.ParticipantId);
            return byParticipant != 0 ? byParticipant : string.CompareOrdinal(a.VisitId, b.VisitId);
        });
        var now = time.GetUtcNow();
        var clocks = (await openClocks.ConfigureAwait(false))
            .Select(clock => new WorklistSaeClock(clock.ParticipantId, clock.AdverseEventId, clock.Deadline,
                clock.Status == SaeClockStatus.Escalated || clock.Deadline <= now))
            .ToList();
        return ApiResponse.Ok(new WorklistBody(siteId, today, from, to, visits, clocks));
    }

    internal static DateOnly? ReadDate(HttpRequest request, string name, List<FieldError> errors)
    {
        var text = request.Query[name].ToString();
        if (string.IsNullOrEmpty(text)) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        errors.Add(new FieldError(name, "A date YYYY-MM-DD."));
        return null;
    }
}
