using System.Text.Json;

namespace RpsServerless.Functions.Messaging;

/// <summary>
/// A notification to a site's coordinators: an inbox row and the outbound message on every channel, in exactly
/// the api.md "Notifications" shape. <see cref="NotificationId"/> is the deduplication key on every channel.
/// </summary>
public sealed record CoordinatorNotification(
    string NotificationId,
    string SiteId,
    string ParticipantId,
    NotificationKind Kind,
    string? VisitId,
    string Title,
    string Body,
    DateOnly? WindowStart,
    DateOnly? WindowEnd,
    DateTimeOffset? DueAt,
    DateTimeOffset CreatedAt);

/// <summary>Written in snake_case on the wire (<c>visit_due</c>), like every enum of the API.</summary>
public enum NotificationKind
{
    ParticipantAllocated,
    VisitUpcoming,
    VisitDue,
    VisitOverdue,
    SaeReportDue,
}

public static class NotificationKindNames
{
    /// <summary>The wire name: <c>VisitDue</c> → <c>visit_due</c>.</summary>
    public static string ToWireName(this NotificationKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
