using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Outcomes;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>The response of the assessment routes.</summary>
public sealed record AssessmentView(
    string AssessmentId,
    string ParticipantId,
    string SiteId,
    DateOnly ImagingDate,
    AssessmentResult Result,
    ImagingModality? Modality,
    string? Comment,
    DateTimeOffset RecordedAt,
    string? CorrectsAssessmentId,
    string? CorrectionReason);

/// <summary>
/// Imaging disease assessments (api.md <c>POST …/assessments</c>): each is a new record, dated between the
/// allocation and today at the site. A correction (<c>POST …/assessments/{assessmentId}/corrections</c> with
/// <c>{ "reason", "assessment" }</c>) is a new record naming the one it replaces; nothing is overwritten.
/// </summary>
public sealed class RecordAssessment(IParticipantDirectory participants, IAssessmentStore store, IAuditTrail audit, TimeProvider time,
    ILogger<RecordAssessment> logger)
{
    public async Task<ApiResponse> RecordAsync(CallerContext caller, string participantId, RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);
        return await AddAsync(caller, participant, body.Bytes, correction: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiResponse> CorrectAsync(CallerContext caller, string participantId, string assessmentId, RequestBody body,
        CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);

        if (!CorrectionBody.TryRead(body.Bytes, "assessment", out var correction, out var errors))
            return Rejected(Problems.Validation(context, errors));
        var records = await store.ListAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        var target = records.FirstOrDefault(r => r.AssessmentId == assessmentId);
        if (target is null)
            return Rejected(Problems.NotFound(context, $"Participant '{participantId}' has no assessment '{assessmentId}'."));
        if (records.FirstOrDefault(r => r.CorrectsAssessmentId == assessmentId) is { } later)
            return Rejected(Problems.Conflict(context,
                $"Assessment '{assessmentId}' was already corrected by '{later.AssessmentId}': correct that one instead."));
        return await AddAsync(caller, participant, correction!.Record, (target, correction.Reason), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ApiResponse> AddAsync(CallerContext caller, ParticipantRecord participant, ReadOnlyMemory<byte> body,
        (AssessmentRecord Target, string Reason)? correction, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var parsed = OutcomeBodyParser.Assessment(body);
        if (!parsed.IsValid)
            return Rejected(Problems.Validation(context, correction is null ? parsed.Errors : CorrectionBody.Under("assessment", parsed.Errors)));
        var now = time.GetUtcNow();
        var path = correction is null ? "imagingDate" : "assessment.imagingDate";
        var dateErrors = OutcomeRecording.CheckDate(path, parsed.Value.ImagingDate, participant, now).ToList();
        if (dateErrors.Count > 0) return Rejected(Problems.Validation(context, dateErrors));

        var record = new AssessmentRecord(OutcomeRecording.NewId("asm", now), participant.ParticipantId, participant.SiteId, parsed.Value, now,
            correction?.Target.AssessmentId, correction?.Reason);
        await store.AddAsync(record, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(caller.Actor, correction is { } corrected
            ? new AuditChange(AuditActions.DataCorrected, "assessment", record.AssessmentId)
            {
                SiteId = record.SiteId, Before = View(corrected.Target), After = View(record), Reason = corrected.Reason,
                ProtocolVersion = participant.ProtocolVersion, EventKey = $"{AuditActions.DataCorrected}:assessment:{record.AssessmentId}",
            }
            : new AuditChange(AuditActions.AssessmentRecorded, "assessment", record.AssessmentId)
            {
                SiteId = record.SiteId, After = View(record), ProtocolVersion = participant.ProtocolVersion,
                EventKey = $"{AuditActions.AssessmentRecorded}:{record.AssessmentId}",
            }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AssessmentRecorded, "Assessment {AssessmentId} recorded (correction of {CorrectsAssessmentId})",
            record.AssessmentId, record.CorrectsAssessmentId);
        return ApiResponse.Created(
            $"/api/participants/{Uri.EscapeDataString(participant.ParticipantId)}/assessments/{Uri.EscapeDataString(record.AssessmentId)}",
            View(record));
    }

    public static AssessmentView View(AssessmentRecord r) => new(r.AssessmentId, r.ParticipantId, r.SiteId, r.Assessment.ImagingDate,
        r.Assessment.Result, r.Assessment.Modality, r.Assessment.Comment, r.RecordedAt, r.CorrectsAssessmentId, r.CorrectionReason);

    private ApiResponse Rejected(ApiResponse response)
    {
        logger.LogInformation(LogEvents.OutcomeRejected, "Assessment request refused with {StatusCode}", response.StatusCode);
        return response;
    }
}
