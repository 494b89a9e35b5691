using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows.Outcomes;

public sealed record PathologyReportView(int Report, DateOnly ReportDate, string Histology, int? FnclccGrade, string E02Status,
    string E02Reason, DateTimeOffset RecordedAt, string? CorrectionReason);

public sealed record ExclusionView(string Criterion, bool Excluded, string Reason, DateOnly EffectiveOn, int PathologyReport,
    DateTimeOffset RecordedAt);

/// <summary>The response of the pathology routes: every report (the last is in force) and the exclusion history.</summary>
public sealed record FinalPathologyView(
    string ParticipantId,
    string SiteId,
    bool ExcludedAfterAllocation,
    string? ExclusionReason,
    IReadOnlyList<PathologyReportView> Reports,
    IReadOnlyList<ExclusionView> Exclusions);

/// <summary>
/// Final pathology (api.md <c>POST …/pathology</c>) and E02 (protocol.md §2): the report is judged when recorded; a
/// fail marks the participant excluded after allocation by an exclusion record written with the report. The
/// participant row is not touched and the participant stays in the data. A later report is only a correction
/// (<c>POST …/pathology/corrections</c> with <c>{ "reason", "report" }</c>), judged again: the exclusion follows it.
/// </summary>
public sealed class RecordFinalPathology(
    IParticipantDirectory participants,
    IFinalPathologyStore store,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<RecordFinalPathology> logger)
{
    public async Task<ApiResponse> RecordAsync(CallerContext caller, string participantId, RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);
        var protocol = OutcomeRecording.ProtocolOf(participant);

        var parsed = OutcomeBodyParser.Pathology(body.Bytes, protocol);
        if (!parsed.IsValid) return Rejected(Problems.Validation(context, parsed.Errors));
        var history = await store.LoadAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        if (history.Current is { } recorded)
            return Rejected(Problems.Conflict(context,
                $"Final pathology is already recorded (report {recorded.Sequence} of {OutcomeRecording.Iso(recorded.Report.ReportDate)}). " +
                "To change it, send a correction with a reason to POST …/pathology/corrections."));
        return await AppendAsync(caller, participant, protocol, history, parsed.Value, null, "reportDate", cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiResponse> CorrectAsync(CallerContext caller, string participantId, RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);
        var protocol = OutcomeRecording.ProtocolOf(participant);

        if (!CorrectionBody.TryRead(body.Bytes, "report", out var correction, out var errors))
            return Rejected(Problems.Validation(context, errors));
        var parsed = OutcomeBodyParser.Pathology(correction!.Record, protocol);
        if (!parsed.IsValid) return Rejected(Problems.Validation(context, CorrectionBody.Under("report", parsed.Errors)));
        var history = await store.LoadAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        if (history.Current is null)
            return Rejected(Problems.Conflict(context, "No final pathology is recorded yet: record the report with POST …/pathology."));
        return await AppendAsync(caller, participant, protocol, history, parsed.Value, correction.Reason, "report.reportDate", cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<ApiResponse> GetAsync(CallerContext caller, string participantId, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        var history = await store.LoadAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        return history.Current is null
            ? Problems.NotFound(context, $"No final pathology is recorded for '{participantId}'.")
            : ApiResponse.Ok(View(participant, history));
    }

    private async Task<ApiResponse> AppendAsync(CallerContext caller, ParticipantRecord participant, ProtocolDefinition protocol,
        PathologyHistory history, FinalPathology pathology, string? correctionReason, string datePath, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var now = time.GetUtcNow();
        var dateErrors = OutcomeRecording.CheckDate(datePath, pathology.ReportDate, participant, now).ToList();
        if (dateErrors.Count > 0) return Rejected(Problems.Validation(context, dateErrors));

        var judgement = FinalPathologyJudgement.Judge(pathology, protocol);
        var report = new PathologyReportRecord(history.Reports.Count + 1, participant.ParticipantId, participant.SiteId, pathology,
            judgement.E02.Status, judgement.Reason, now, correctionReason);

        // An exclusion record is written when the exclusion in force changes: a first exclusion, or a corrected report
        // that lifts or imposes it.
        var wasExcluded = history.Exclusion is not null;
        ExclusionRecord? exclusion = null;
        if (judgement.ExcludedAfterAllocation != wasExcluded)
        {
            var reason = judgement.ExcludedAfterAllocation
                ? judgement.Reason
                : $"Exclusion lifted by corrected report {report.Sequence}: {judgement.Reason}";
            exclusion = new ExclusionRecord(history.Exclusions.Count + 1, participant.ParticipantId, FinalPathologyExclusion.CriterionId,
                judgement.ExcludedAfterAllocation, reason, pathology.ReportDate, report.Sequence, now);
        }

        try
        {
            await store.AppendAsync(report, exclusion, cancellationToken).ConfigureAwait(false);
        }
        catch (ConcurrentChangeException)
        {
            return Rejected(Problems.Conflict(context, "Another final pathology report was recorded at the same time. Reload and retry."));
        }
        // Ids only: the judgement itself is clinical data and stays in the table.
        logger.LogInformation(LogEvents.PathologyRecorded, "Final pathology report {Report} recorded", report.Sequence);
        if (exclusion is not null)
            logger.LogInformation(LogEvents.ExcludedAfterAllocation, "Exclusion record {Exclusion} ({Criterion}) written with report {Report}",
                exclusion.Sequence, exclusion.CriterionId, report.Sequence);

        var updated = new PathologyHistory([.. history.Reports, report], exclusion is null ? history.Exclusions : [.. history.Exclusions, exclusion]);
        var view = View(participant, updated);
        await audit.RecordAsync(caller.Actor, new AuditChange(correctionReason is null ? AuditActions.PathologyRecorded : AuditActions.DataCorrected,
            "pathology", $"{participant.ParticipantId}/report/{report.Sequence}")
        {
            SiteId = participant.SiteId, Before = history.Current is null ? null : View(participant, history).Reports[^1],
            After = view.Reports[^1], Reason = correctionReason, ProtocolVersion = participant.ProtocolVersion,
            EventKey = $"pathology:{participant.ParticipantId}:report:{report.Sequence}",
        }, cancellationToken).ConfigureAwait(false);
        if (exclusion is not null)
            await audit.RecordAsync(caller.Actor, new AuditChange(AuditActions.ExclusionRecorded, "participant", participant.ParticipantId)
            {
                SiteId = participant.SiteId, After = view.Exclusions[^1],
                // A fixed text: the judgement's own reason names clinical values, which stay out of the audit's clear fields.
                Reason = exclusion.Excluded
                    ? $"{exclusion.CriterionId} not met on final pathology report {report.Sequence}."
                    : $"{exclusion.CriterionId} exclusion lifted by corrected report {report.Sequence}.",
                ProtocolVersion = participant.ProtocolVersion,
                EventKey = $"pathology:{participant.ParticipantId}:exclusion:{exclusion.Sequence}",
            }, cancellationToken).ConfigureAwait(false);
        return correctionReason is null
            ? ApiResponse.Created($"/api/participants/{Uri.EscapeDataString(participant.ParticipantId)}/pathology", view)
            : ApiResponse.Ok(view);
    }

    public static FinalPathologyView View(ParticipantRecord participant, PathologyHistory history) => new(
        participant.ParticipantId,
        participant.SiteId,
        history.Exclusion is not null,
        history.Exclusion?.Reason,
        history.Reports.Select(r => new PathologyReportView(r.Sequence, r.Report.ReportDate, ContractName.Of(r.Report.Histology),
            r.Report.FnclccGrade, ContractName.Of(r.E02Status), r.E02Reason, r.RecordedAt, r.CorrectionReason)).ToList(),
        history.Exclusions.Select(x => new ExclusionView(x.CriterionId, x.Excluded, x.Reason, x.EffectiveOn, x.PathologyReport, x.RecordedAt)).ToList());

    private ApiResponse Rejected(ApiResponse response)
    {
        logger.LogInformation(LogEvents.OutcomeRejected, "Pathology request refused with {StatusCode}", response.StatusCode);
        return response;
    }
}
