using System.Text.Json;
using System.Text.Json.Serialization;

namespace RpsServerless.Core.Scheduling;

/// <summary>
/// Everything about one participant that the schedule of events depends on (protocol.md §5). The schedule is a pure
/// function of this state, the protocol and today's site-local date, so rebuilding it from the same state always gives
/// the same visits and the same reminders.
/// </summary>
/// <param name="AllocatedOn">The site-local date of the allocation: day 0 of every allocation-anchored visit.</param>
/// <param name="RecordedVisits">Visits recorded so far, in the order they were recorded. When a visit has more than one
/// record the latest wins (a visit marked missed that later turns out to have been done is recorded completed).</param>
/// <param name="DiedOn">Date of death: cancels the visits that could no longer be done.</param>
/// <param name="WithdrewOn">Date consent to further participation was withdrawn: cancels likewise.</param>
/// <param name="StudyClosedOn">Date the study was closed (an explicit, audited action): cancels every future visit.</param>
public sealed record ParticipantTimeline(
    string ParticipantId,
    string SiteId,
    string Arm,
    DateOnly AllocatedOn,
    IReadOnlyList<RecordedVisit> RecordedVisits,
    DateOnly? DiedOn = null,
    DateOnly? WithdrewOn = null,
    DateOnly? StudyClosedOn = null);

[JsonConverter(typeof(JsonStringEnumConverter<RecordedVisitStatus>))]
public enum RecordedVisitStatus
{
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("missed")] Missed,
}

/// <summary>
/// A visit as the site recorded it: completed on an actual date (with the visit's data: doses and delay reason for a
/// cycle, resection status for surgery), or marked missed with a reason and no date.
/// </summary>
public sealed record RecordedVisit(
    string VisitId,
    RecordedVisitStatus Status,
    DateOnly? Date = null,
    string? Reason = null,
    JsonElement? Data = null)
{
    public static RecordedVisit Completed(string visitId, DateOnly on, JsonElement? data = null) =>
        new(visitId, RecordedVisitStatus.Completed, on, null, data);

    public static RecordedVisit Missed(string visitId, string reason) =>
        new(visitId, RecordedVisitStatus.Missed, null, reason);
}
