using System.Text.Json.Serialization;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Scheduling;

/// <summary>
/// A participant's schedule of events: every visit of the arm in protocol order with its window and status, and the
/// reminders the site should receive (api.md, Schedule).
/// </summary>
public sealed record ParticipantSchedule(
    string ParticipantId,
    string Arm,
    DateOnly AllocatedOn,
    string ProtocolVersion,
    IReadOnlyList<ScheduledVisit> Visits,
    IReadOnlyList<Reminder> Reminders)
{
    public ScheduledVisit Visit(string visitId)
    {
        foreach (var v in Visits)
            if (v.VisitId == visitId) return v;
        throw new KeyNotFoundException($"The schedule of {ParticipantId} has no visit {visitId}.");
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<VisitStatus>))]
public enum VisitStatus
{
    /// <summary>The visit it is anchored to has not happened: no dates yet.</summary>
    [JsonStringEnumMemberName("pending_anchor")] PendingAnchor,
    /// <summary>The window has not opened.</summary>
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    /// <summary>The window is open (both ends inclusive).</summary>
    [JsonStringEnumMemberName("due")] Due,
    [JsonStringEnumMemberName("completed")] Completed,
    /// <summary>The window has closed, the visit was not done and no later visit of its series was done.</summary>
    [JsonStringEnumMemberName("overdue")] Overdue,
    /// <summary>Marked missed by the site, or a later visit of the same series was done.</summary>
    [JsonStringEnumMemberName("missed")] Missed,
    /// <summary>Can no longer happen: after death, withdrawal or study closure.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>One visit of the schedule. Dates are site-local calendar dates; the window is inclusive at both ends.</summary>
public sealed record ScheduledVisit(
    string VisitId,
    VisitKind Kind,
    string Label,
    DateOnly? TargetDate,
    DateOnly? WindowStart,
    DateOnly? WindowEnd,
    VisitStatus Status,
    DateOnly? CompletedOn);

/// <summary>
/// A reminder to the site coordinator, carrying everything the notification needs. <see cref="ReminderId"/> is a
/// function of participant, visit, kind and due instant only: rebuilding the schedule from the same state gives the
/// same id (storage upserts stay idempotent), and a visit that moves gets new ids for its reminders.
/// </summary>
/// <param name="Date">The site-local date the reminder falls on.</param>
/// <param name="DueAt">The site-local reminder time on <see cref="Date"/>, as a UTC instant.</param>
public sealed record Reminder(
    string ReminderId,
    string SiteId,
    string ParticipantId,
    string VisitId,
    ReminderKind Kind,
    DateOnly Date,
    DateTimeOffset DueAt,
    DateOnly TargetDate,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    string Title,
    string Body);
