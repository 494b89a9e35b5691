using RpsServerless.Core.Scheduling;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>One visit of a participant at a site, as the worklist reads it.</summary>
public sealed record SiteVisit(string ParticipantId, ScheduledVisit Visit);

/// <summary>
/// Table <c>SiteVisits</c>: PartitionKey = site id, RowKey = participant id. Each rebuild replaces the participant's
/// row: their open visits (JSON) and the date the first of those windows opens, so nothing is left behind when a visit
/// moves, is done or is cancelled; the worklist is one partition query on that date.
/// </summary>
public interface ISiteVisitIndex
{
    Task ReplaceAsync(string siteId, string participantId, IReadOnlyList<ScheduledVisit> visits, CancellationToken cancellationToken);

    /// <summary>The site's open visits (scheduled, due or overdue) whose window opens on or before <paramref name="to"/>.</summary>
    Task<IReadOnlyList<SiteVisit>> OpenUntilAsync(string siteId, DateOnly to, CancellationToken cancellationToken);
}

public static class SiteVisits
{
    /// <summary>A visit the site still has to do: it has dates and is neither done, missed nor cancelled.</summary>
    public static bool IsOpen(ScheduledVisit visit) =>
        visit.Status is VisitStatus.Scheduled or VisitStatus.Due or VisitStatus.Overdue && visit.WindowStart is not null && visit.WindowEnd is not null;
}
