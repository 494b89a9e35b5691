using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>
/// <c>POST /api/participants/{participantId}/visits/{visitId}</c>: checks the recording against the participant's state,
/// appends it to the visit record, queues a rebuild (later visits re-anchor, reminders are replaced) and answers with
/// the schedule as it now stands.
/// </summary>
public sealed class RecordVisit(
    ParticipantFiles files,
    IScheduleStore schedules,
    IQueueMessageSender queue,
    ReadSchedule read,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<RecordVisit> logger)
{
    /// <summary>Rounds when another recording of the same participant takes the record number in between.</summary>
    private const int Attempts = 3;

    public async Task<ApiResponse> RunAsync(CallerContext caller, string participantId, string visitId, VisitRecordingRequest request,
        CancellationToken cancellationToken)
    {
        var context = caller.Http;
        using var scope = logger.BeginParticipant(participantId);
        for (var attempt = 1; ; attempt++)
        {
            var file = await files.LoadAsync(participantId, cancellationToken).ConfigureAwait(false);
            if (file is null) return ReadSchedule.ParticipantNotFound(context, participantId);
            var now = time.GetUtcNow();
            var today = file.Today(now);

            // The same recording again (a retry after a lost answer): the record stands; queue the rebuild again in
            // case it was the queue that failed the first time, and answer as the first time did.
            if (IsRepeat(file, visitId, request))
            {
                // Its audit record too, should the first attempt have stopped before writing it (recorded once by key).
                await AuditAsync(caller, file, file.Schedule.Records.Last(r => r.Visit.VisitId == visitId), cancellationToken).ConfigureAwait(false);
                return await AnswerAsync(file.Protocol, file.Timeline, today, participantId, cancellationToken).ConfigureAwait(false);
            }

            var check = VisitRecording.Validate(file.Protocol, file.Timeline, visitId, request, today);
            switch (check.Outcome)
            {
                case VisitRecordingOutcome.UnknownVisit:
                    return Problems.NotFound(context, check.Errors[0].Message);
                case VisitRecordingOutcome.InvalidInput:
                    return Problems.Validation(context, check.Errors);
                case VisitRecordingOutcome.Conflict:
                    return Problems.Conflict(context, check.Errors[0].Message, check.Errors);
            }

            var recorded = check.Recorded!;
            var dataErrors = CheckData(file, recorded, today);
            if (dataErrors.Count > 0) return Problems.Validation(context, dataErrors);

            var record = new StoredVisitRecord(file.Schedule.NextSequence, recorded, now);
            if (!await schedules.TryAppendRecordAsync(participantId, record, cancellationToken).ConfigureAwait(false))
            {
                if (attempt < Attempts) continue; // judged again against the recording that came first
                return Problems.Conflict(context, "Another recording for this participant was being stored at the same moment. Retry.");
            }
            logger.LogInformation(LogEvents.VisitRecorded, "Visit {VisitId} of {ParticipantId} recorded {VisitStatus} as record {Sequence}",
                visitId, participantId, ContractName.Of(recorded.Status), record.Sequence);
            await AuditAsync(caller, file, record, cancellationToken).ConfigureAwait(false);

            var timeline = file.Timeline with { RecordedVisits = [.. file.Timeline.RecordedVisits, recorded] };
            return await AnswerAsync(file.Protocol, timeline, today, participantId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ApiResponse> AnswerAsync(ProtocolDefinition protocol, ParticipantTimeline timeline, DateOnly today,
        string participantId, CancellationToken cancellationToken)
    {
        // The record is stored; the rebuild persists visits and reminders. Should this send fail, the client's retry
        // of the same recording is a repeat that sends it again.
        await queue.SendAsync(QueueNames.ParticipantEvents, new ParticipantEvent(participantId, ParticipantEventReasons.VisitRecorded),
            null, cancellationToken).ConfigureAwait(false);
        var schedule = ScheduleBuilder.Build(protocol, timeline, today);
        return ApiResponse.Ok(await read.ViewAsync(schedule, cancellationToken).ConfigureAwait(false));
    }

    private Task AuditAsync(CallerContext caller, ParticipantFile file, StoredVisitRecord record, CancellationToken cancellationToken) =>
        audit.RecordAsync(caller.Actor, new AuditChange(AuditActions.VisitRecorded, "visit",
            $"{file.Participant.ParticipantId}/{record.Visit.VisitId}/record/{record.Sequence}")
        {
            SiteId = file.Participant.SiteId, After = record.Visit, ProtocolVersion = file.Participant.ProtocolVersion,
            EventKey = $"{AuditActions.VisitRecorded}:{file.Participant.ParticipantId}:{record.Sequence}",
        }, cancellationToken);

    /// <summary>The visit's latest record says exactly what this request says.</summary>
    private static bool IsRepeat(ParticipantFile file, string visitId, VisitRecordingRequest request)
    {
        var latest = file.Schedule.Records.LastOrDefault(r => r.Visit.VisitId == visitId)?.Visit;
        if (latest is null || latest.Status != request.Status || latest.Date != request.Date) return false;
        if (request.Status == RecordedVisitStatus.Missed) return latest.Reason == request.Reason?.Trim();
        return (latest.Data, request.Data) switch
        {
            (null, null) => true,
            ({ } stored, { } sent) => JsonElement.DeepEquals(stored, sent),
            _ => false,
        };
    }

    /// <summary>The visit data: an object when given; for surgery, the resection status (the date is the visit's date).</summary>
    private static List<FieldError> CheckData(ParticipantFile file, RecordedVisit recorded, DateOnly today)
    {
        var errors = new List<FieldError>();
        if (recorded.Data is { ValueKind: not JsonValueKind.Object })
            errors.Add(new FieldError("data", "Visit data is a JSON object, e.g. { \"resection\": \"r0\" } for surgery."));
        if (recorded.Status != RecordedVisitStatus.Completed || errors.Count > 0) return errors;

        var kind = ScheduleBuilder.Build(file.Protocol, file.Timeline, today).Visit(recorded.VisitId).Kind;
        if (kind == VisitKind.Surgery)
        {
            if (recorded.Data is not { } data)
                errors.Add(new FieldError("data", "Give the surgery details: { \"resection\": \"r0\" | \"r1\" | \"r2\" | … }."));
            else
                errors.AddRange(OutcomeBodyParser.SurgeryVisitData(data, recorded.Date!.Value).Errors);
        }
        return errors;
    }
}
