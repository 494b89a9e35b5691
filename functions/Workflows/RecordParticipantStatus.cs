using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>The answer to <c>POST …/status</c>: the stored record and its number (a later correction names it).</summary>
public sealed record StatusRecordBody(
    string ParticipantId,
    int RecordNumber,
    ParticipantStatusKind Status,
    DateOnly? Date,
    int? CorrectsRecord,
    DateTimeOffset RecordedAt);

/// <summary>
/// <c>POST /api/participants/{participantId}/status</c>: vital status, withdrawal, lost to follow-up, allocated in
/// error, or a correction of one of them. Appends the record and queues a rebuild: a death or withdrawal cancels the
/// visits that can no longer happen and their pending reminders.
/// </summary>
public sealed class RecordParticipantStatus(
    ParticipantFiles files,
    IParticipantStatusStore statuses,
    IQueueMessageSender queue,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<RecordParticipantStatus> logger)
{
    private const int Attempts = 3;

    public async Task<ApiResponse> RunAsync(CallerContext caller, string participantId, RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        using var scope = logger.BeginParticipant(participantId);
        var parsed = OutcomeBodyParser.Status(body.Bytes);
        if (!parsed.IsValid) return Problems.Validation(context, parsed.Errors);
        var report = parsed.Value;

        for (var attempt = 1; ; attempt++)
        {
            var file = await files.LoadAsync(participantId, cancellationToken).ConfigureAwait(false);
            if (file is null) return ReadSchedule.ParticipantNotFound(context, participantId);
            var now = time.GetUtcNow();

            // The same report again (a retry after a lost answer): the record stands; queue the rebuild again.
            if (file.Statuses.Count > 0 && file.Statuses[^1] is var last
                && last.Event == report.Event && last.CorrectsRecord == report.CorrectsRecord && last.CorrectionReason == report.CorrectionReason)
            {
                await AuditAsync(caller, file, last, cancellationToken).ConfigureAwait(false);
                await QueueRebuildAsync(participantId, cancellationToken).ConfigureAwait(false);
                return ApiResponse.Ok(Body(participantId, last));
            }

            var state = new ParticipantState(file.Participant.AllocatedOn, file.Today(now), file.Statuses, file.LatestCompletedVisit);
            var check = ParticipantStatusHistory.Check(report, state);
            if (check.Errors.Count > 0) return Problems.Validation(context, check.Errors);
            if (check.Conflicts.Count > 0) return Problems.Conflict(context, check.Conflicts[0].Message, check.Conflicts);

            var sequence = file.Statuses.Count == 0 ? 1 : file.Statuses.Max(s => s.Sequence) + 1;
            var record = new ParticipantStatusRecord(sequence, report.Event, now, report.CorrectsRecord, report.CorrectionReason);
            if (!await statuses.TryAppendAsync(participantId, record, cancellationToken).ConfigureAwait(false))
            {
                if (attempt < Attempts) continue;
                return Problems.Conflict(context, "Another status report for this participant was being stored at the same moment. Retry.");
            }
            logger.LogInformation(LogEvents.ParticipantStatusRecorded, "Status {Status} of {ParticipantId} recorded as record {Sequence}",
                ContractName.Of(report.Event.Kind), participantId, sequence);
            await AuditAsync(caller, file, record, cancellationToken).ConfigureAwait(false);

            await QueueRebuildAsync(participantId, cancellationToken).ConfigureAwait(false);
            return ApiResponse.Json(StatusCodes.Status201Created, Body(participantId, record));
        }
    }

    /// <summary>A status record, or a correction of one (with its reason); recorded once per record number.</summary>
    private Task AuditAsync(CallerContext caller, ParticipantFile file, ParticipantStatusRecord record, CancellationToken cancellationToken) =>
        audit.RecordAsync(caller.Actor, new AuditChange(record.CorrectsRecord is null ? AuditActions.StatusRecorded : AuditActions.DataCorrected,
            "participant_status", $"{file.Participant.ParticipantId}/status/{record.Sequence}")
        {
            SiteId = file.Participant.SiteId, After = Body(file.Participant.ParticipantId, record), Reason = record.CorrectionReason,
            ProtocolVersion = file.Participant.ProtocolVersion,
            EventKey = $"{AuditActions.StatusRecorded}:{file.Participant.ParticipantId}:{record.Sequence}",
        }, cancellationToken);

    private Task QueueRebuildAsync(string participantId, CancellationToken cancellationToken) =>
        queue.SendAsync(QueueNames.ParticipantEvents, new ParticipantEvent(participantId, ParticipantEventReasons.StatusRecorded), null,
            cancellationToken);

    private static StatusRecordBody Body(string participantId, ParticipantStatusRecord record) =>
        new(participantId, record.Sequence, record.Event.Kind, record.Event.Date, record.CorrectsRecord, record.RecordedAt);
}
