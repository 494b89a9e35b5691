using System.Text.Json;
using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Scheduling;

/// <summary>
/// The body of <c>POST /api/participants/{participantId}/visits/{visitId}</c> (api.md):
/// <c>{ "status": "completed", "date": "2026-12-07", "data": { } }</c> or <c>{ "status": "missed", "reason": "..." }</c>.
/// </summary>
public sealed record VisitRecordingRequest(
    RecordedVisitStatus Status,
    DateOnly? Date = null,
    string? Reason = null,
    JsonElement? Data = null);

/// <summary>How the HTTP layer answers a recording: each rejection maps to one status code.</summary>
public enum VisitRecordingOutcome
{
    /// <summary>Store <see cref="VisitRecordingResult.Recorded"/>, rebuild the schedule.</summary>
    Accepted,
    /// <summary>404: the participant's arm has no visit with this id (a route segment, like any unknown id).</summary>
    UnknownVisit,
    /// <summary>400: the request itself is wrong (a value missing, not allowed, or out of range).</summary>
    InvalidInput,
    /// <summary>409: the request is well formed but conflicts with the participant's state.</summary>
    Conflict,
}

public sealed record VisitRecordingResult(
    VisitRecordingOutcome Outcome,
    RecordedVisit? Recorded,
    IReadOnlyList<FieldError> Errors)
{
    public bool IsAccepted => Outcome == VisitRecordingOutcome.Accepted;
}

/// <summary>Checks a visit recording against the protocol and the participant's state before it is stored.</summary>
public static class VisitRecording
{
    /// <param name="today">The site-local date (<see cref="SiteClock.Today"/>): a visit cannot be recorded as done
    /// after it.</param>
    public static VisitRecordingResult Validate(
        ProtocolDefinition protocol, ParticipantTimeline participant, string visitId, VisitRecordingRequest request,
        DateOnly today)
    {
        var plan = VisitPlan.Compute(protocol, participant, today);
        var i = plan.IndexOf(visitId);
        if (i < 0)
            return Reject(VisitRecordingOutcome.UnknownVisit, new FieldError("visitId",
                $"The {participant.Arm} schedule has no visit '{visitId}'; use a visit id from the participant's schedule."));

        var visit = plan.Visits[i];
        var spec = plan.Specs[i];

        // 400: the shape of the request.
        var errors = new List<FieldError>();
        if (request.Status == RecordedVisitStatus.Completed)
        {
            if (request.Date is null) errors.Add(new FieldError("date", "Give the date the visit was done."));
            if (request.Reason is not null)
                errors.Add(new FieldError("reason", "A reason is given only for a missed visit; put a delay reason in data."));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
                errors.Add(new FieldError("reason", "Say why the visit was missed."));
            if (request.Date is not null)
                errors.Add(new FieldError("date", "A missed visit has no date; leave date out."));
            if (request.Data is not null)
                errors.Add(new FieldError("data", "A missed visit has no visit data; leave data out."));
        }
        if (errors.Count > 0) return Reject(VisitRecordingOutcome.InvalidInput, errors);

        // 409: the participant's state.
        var record = plan.Records[i];
        if (record is { Status: RecordedVisitStatus.Completed })
            return Reject(VisitRecordingOutcome.Conflict, new FieldError("status",
                $"{spec.Label} was already recorded as done on {VisitPlan.Format(record.Date!.Value)}; correct it through a data correction, not a new recording."));
        if (record is { Status: RecordedVisitStatus.Missed } && request.Status == RecordedVisitStatus.Missed)
            return Reject(VisitRecordingOutcome.Conflict, new FieldError("status",
                $"{spec.Label} is already marked missed."));
        if (visit.TargetDate is null)
        {
            var anchor = plan.Specs[spec.AnchorIndex];
            return Reject(VisitRecordingOutcome.Conflict, new FieldError("visitId",
                $"{spec.Label} is anchored to {anchor.Label} ({anchor.Id}), which has not been recorded yet; record {anchor.Id} first."));
        }
        if (plan.End is { } end)
        {
            if (request.Status == RecordedVisitStatus.Missed && visit.Status == VisitStatus.Cancelled)
                return Reject(VisitRecordingOutcome.Conflict, new FieldError("status",
                    $"{spec.Label} is cancelled because {end.Reason}; there is nothing to mark missed."));
            // A visit done on or before the ending date can still be entered late (data completeness); one after
            // it cannot have happened under the protocol.
            if (request.Date is { } after && after > end.On)
                return Reject(VisitRecordingOutcome.Conflict, new FieldError("date",
                    $"{VisitPlan.Format(after)} is after the end of this participant's schedule: {end.Reason}."));
        }

        // 400: the date against today, the allocation and the anchor.
        if (request.Date is { } date)
        {
            if (date > today)
                errors.Add(new FieldError("date",
                    $"{VisitPlan.Format(date)} is in the future (today at the site is {VisitPlan.Format(today)}); record a visit once it is done."));
            else if (date < participant.AllocatedOn)
                errors.Add(new FieldError("date",
                    $"{VisitPlan.Format(date)} is before the allocation on {VisitPlan.Format(participant.AllocatedOn)}."));
            else if (date < plan.EarliestPossibleDates[i])
                errors.Add(new FieldError("date",
                    $"{VisitPlan.Format(date)} is before {AnchorDescription(plan, i)} on {VisitPlan.Format(plan.EarliestPossibleDates[i])}, which {spec.Label} follows."));
            // A date outside the window is accepted: the visit happened then, and the deviation is data for the
            // tolerance report, not an input error.
        }
        if (errors.Count > 0) return Reject(VisitRecordingOutcome.InvalidInput, errors);

        var recorded = request.Status == RecordedVisitStatus.Completed
            ? new RecordedVisit(visitId, RecordedVisitStatus.Completed, request.Date, null, request.Data)
            : new RecordedVisit(visitId, RecordedVisitStatus.Missed, null, request.Reason!.Trim());
        return new VisitRecordingResult(VisitRecordingOutcome.Accepted, recorded, []);
    }

    /// <summary>The label of the nearest visit up the anchor chain that was actually done.</summary>
    private static string AnchorDescription(VisitPlan plan, int i)
    {
        for (var a = plan.Specs[i].AnchorIndex; a >= 0; a = plan.Specs[a].AnchorIndex)
            if (plan.Records[a] is { Status: RecordedVisitStatus.Completed })
                return $"the actual {plan.Specs[a].Label} ({plan.Specs[a].Id})";
        return "the allocation";
    }

    private static VisitRecordingResult Reject(VisitRecordingOutcome outcome, params IReadOnlyList<FieldError> errors) =>
        new(outcome, null, errors);
}
