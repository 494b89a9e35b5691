using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Core;
using RpsServerless.Core.Outcomes;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Outcomes;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>The response of every adverse-event route: the event with all its versions and its SAE clock.</summary>
public sealed record AdverseEventView(
    string AdverseEventId,
    string ParticipantId,
    string SiteId,
    int Version,
    bool Serious,
    int WorstGrade,
    SaeClockView? SaeClock,
    IReadOnlyList<AdverseEventVersionView> Versions);

/// <param name="State">Judged now: open, overdue, reported_on_time, reported_late (core <see cref="Core.Outcomes.SaeClock"/>).</param>
public sealed record SaeClockView(DateTimeOffset AwareAt, DateTimeOffset Deadline, SaeClockState State, DateTimeOffset? ReportSentAt,
    DateTimeOffset? EscalatedAt);

public sealed record AdverseEventVersionView(int Version, AdverseEventChange Change, string? ChangeReason, DateTimeOffset RecordedAt,
    AdverseEventFacts Facts);

/// <summary>Body of <c>POST …/adverse-events/{adverseEventId}/sponsor-report</c>.</summary>
public sealed record SponsorReportRequest(DateTimeOffset SentAt);

/// <summary>
/// Adverse events (api.md; protocol.md §6): the first report, follow-ups and corrections as new versions (nothing is
/// overwritten), and the sponsor report marked sent. A serious event starts its SAE clock: the site is notified at
/// once, and escalated at the deadline unless the report is marked sent (<see cref="SaeAlarmHandler"/>).
/// </summary>
public sealed class RecordAdverseEvent(
    IParticipantDirectory participants,
    IAdverseEventStore store,
    ISaeAlarmStore alarms,
    SaeAlarmHandler alarmHandler,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<RecordAdverseEvent> logger)
{
    private const int MaxAttempts = 3;

    /// <summary><c>POST …/adverse-events</c>: a first report, or (with <c>adverseEventId</c> and <c>change</c>) an update.</summary>
    public async Task<ApiResponse> CreateAsync(CallerContext caller, string participantId, RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);

        var parsed = OutcomeBodyParser.AdverseEvent(body.Bytes);
        if (!parsed.IsValid) return Rejected(Problems.Validation(context, parsed.Errors));
        if (parsed.Value.AdverseEventId is { } existing)
            return await UpdateAsync(caller, participant, existing, parsed.Value, cancellationToken).ConfigureAwait(false);

        var now = time.GetUtcNow();
        var errors = CheckFacts(parsed.Value.Facts, participant, now).ToList();
        if (errors.Count > 0) return Rejected(Problems.Validation(context, errors));

        var id = OutcomeRecording.NewId("ae", now);
        var history = AdverseEventHistory.Start(id, participant.ParticipantId, parsed.Value.Facts, now);
        var clock = await WriteAsync(participant, history, null, now, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.AdverseEventRecorded, "Adverse event {AdverseEventId} recorded", id);
        await AuditAsync(caller, participant, history, cancellationToken).ConfigureAwait(false);
        return ApiResponse.Created(Location(participant.ParticipantId, id), View(participant, history, clock, now));
    }

    /// <summary>
    /// <c>POST …/adverse-events/{adverseEventId}</c>: a follow-up or a correction (with <c>changeReason</c>), appended
    /// as the next version. The body is a full snapshot, as for a first report, plus <c>change</c>; its
    /// <c>adverseEventId</c> may be left out (the route names the event) but must match when given.
    /// </summary>
    public async Task<ApiResponse> UpdateAsync(CallerContext caller, string participantId, string adverseEventId, RequestBody body,
        CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);

        var parsed = OutcomeBodyParser.AdverseEvent(WithAdverseEventId(body.Bytes, adverseEventId));
        if (!parsed.IsValid) return Rejected(Problems.Validation(context, parsed.Errors));
        if (parsed.Value.AdverseEventId != adverseEventId)
            return Rejected(Problems.BadRequest(context, $"The body is about adverse event '{parsed.Value.AdverseEventId}', the route about '{adverseEventId}'.", "adverseEventId"));
        return await UpdateAsync(caller, participant, adverseEventId, parsed.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST …/adverse-events/{adverseEventId}/sponsor-report</c> with <c>{ "sentAt": "…Z" }</c>: the report to the
    /// sponsor was sent. Recorded as a follow-up version carrying the sent time; it closes the SAE clock in the same
    /// transaction, so no escalation follows.
    /// </summary>
    public async Task<ApiResponse> MarkSponsorReportSentAsync(CallerContext caller, string participantId, string adverseEventId,
        RequestBody body, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        using var scope = logger.BeginParticipant(participant.ParticipantId);

        if (body.IsEmpty) return Rejected(Problems.BadRequest(context, "A JSON body with sentAt is required.", "sentAt"));
        if (!ApiJson.TryDeserialize<SponsorReportRequest>(body.Bytes, out var request, out var jsonErrors))
            return Rejected(Problems.Validation(context, jsonErrors));
        var now = time.GetUtcNow();
        var errors = OutcomeRecording.CheckInstant("sentAt", request!.SentAt, now).ToList();
        if (errors.Count > 0) return Rejected(Problems.Validation(context, errors));

        return await AppendAsync(caller, participant, adverseEventId, now, stored =>
        {
            var current = stored.History.Current;
            if (!stored.History.IsSerious)
                return Problems.Conflict(context, $"Adverse event '{adverseEventId}' is not serious: no sponsor report is due.");
            if (current.SponsorReportSentAt is { } sent)
                return Problems.Conflict(context,
                    $"The sponsor report is already marked sent at {OutcomeRecording.IsoInstant(sent)}; to change that time, send a correction with a reason.",
                    [new FieldError("sentAt", "Already marked sent.")]);
            if (request.SentAt < stored.History.SeriousAwareAt)
                return Problems.Validation(context,
                    [new FieldError("sentAt", $"{OutcomeRecording.IsoInstant(request.SentAt)} is before the site became aware of the serious event ({OutcomeRecording.IsoInstant(stored.History.SeriousAwareAt!.Value)}).")]);
            return new AdverseEventReport(adverseEventId, AdverseEventChange.FollowUp, null, current with { SponsorReportSentAt = request.SentAt });
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET …/adverse-events/{adverseEventId}</c>.</summary>
    public async Task<ApiResponse> GetAsync(CallerContext caller, string participantId, string adverseEventId, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var participant = await participants.FindAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null) return OutcomeRecording.UnknownParticipant(context, participantId);
        var stored = await store.LoadAsync(participant.ParticipantId, adverseEventId, cancellationToken).ConfigureAwait(false);
        return stored is null
            ? UnknownEvent(context, participantId, adverseEventId)
            : ApiResponse.Ok(View(participant, stored.History, stored.Clock, time.GetUtcNow()));
    }

    private async Task<ApiResponse> UpdateAsync(CallerContext caller, ParticipantRecord participant, string adverseEventId,
        AdverseEventReport report, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        var now = time.GetUtcNow();
        var errors = CheckFacts(report.Facts, participant, now).ToList();
        if (errors.Count > 0) return Rejected(Problems.Validation(context, errors));
        return await AppendAsync(caller, participant, adverseEventId, now, _ => report, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Loads the event, lets <paramref name="decide"/> make the next version (or refuse), and writes it. A concurrent
    /// change (another version, the timer escalating the clock) makes it start over from what is stored then.
    /// </summary>
    private async Task<ApiResponse> AppendAsync(CallerContext caller, ParticipantRecord participant, string adverseEventId, DateTimeOffset now,
        Func<StoredAdverseEvent, OneOf> decide, CancellationToken cancellationToken)
    {
        var context = caller.Http;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = await store.LoadAsync(participant.ParticipantId, adverseEventId, cancellationToken).ConfigureAwait(false);
            if (stored is null) return UnknownEvent(context, participant.ParticipantId, adverseEventId);
            var decision = decide(stored);
            if (decision.Refusal is { } refusal) return Rejected(refusal);

            var appended = stored.History.Append(decision.Report!, now);
            if (appended.History is null)
                return Rejected(Problems.Conflict(context, "The update does not fit the adverse event as recorded; see errors.", appended.Conflicts));
            try
            {
                var clock = await WriteAsync(participant, appended.History, stored.Clock, now, cancellationToken).ConfigureAwait(false);
                var version = appended.History.Versions[^1];
                logger.LogInformation(LogEvents.AdverseEventVersionRecorded, "Adverse event {AdverseEventId} version {Version} ({Change}) recorded",
                    adverseEventId, version.Version, version.Change);
                await AuditAsync(caller, participant, appended.History, cancellationToken).ConfigureAwait(false);
                return ApiResponse.Ok(View(participant, appended.History, clock, now));
            }
            catch (ConcurrentChangeException)
            {
                // Someone else wrote first: judge the update again against what they wrote.
            }
        }
        return Rejected(Problems.Conflict(context, $"Adverse event '{adverseEventId}' is being changed by another request. Reload it and retry."));
    }

    /// <summary>Writes the version with the clock change it causes; sends the first <c>sae_report_due</c> when a clock starts.</summary>
    private async Task<SaeClockRecord?> WriteAsync(ParticipantRecord participant, AdverseEventHistory history, SaeClockRecord? stored,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var protocol = OutcomeRecording.ProtocolOf(participant);
        var plan = SaeClockPlan.For(history, participant.SiteId, stored, protocol, now);
        // Alarms first: if the version below is never written they are discarded as orphans; if it is, no notification
        // can be lost between the write and the send.
        foreach (var alarm in plan.Alarms)
            await alarms.AddAsync(alarm, cancellationToken).ConfigureAwait(false);
        await store.AppendAsync(participant.SiteId, history.AdverseEventId, participant.ParticipantId, history.Versions[^1], plan.Write,
            cancellationToken).ConfigureAwait(false);
        if (plan.Write is not { Clock: var clock }) return stored;

        if (clock.Status == SaeClockStatus.Closed && stored is not { Status: SaeClockStatus.Closed })
            logger.LogInformation(LogEvents.SaeClockClosed, "SAE clock of {AdverseEventId} closed: {Reason}", history.AdverseEventId, clock.ClosedReason);
        if (plan.StartsClock)
        {
            logger.LogInformation(LogEvents.SaeClockStarted, "SAE clock of {AdverseEventId} started, deadline {Deadline}", history.AdverseEventId, clock.Deadline);
            try
            {
                await alarmHandler.HandleAsync(plan.Alarms.First(a => a.Kind == SaeAlarmKind.Initial), now, cancellationToken).ConfigureAwait(false);
                clock = await store.LoadClockAsync(participant.ParticipantId, history.AdverseEventId, cancellationToken).ConfigureAwait(false) ?? clock;
            }
            catch (Exception exception) when (StorageFailures.IsUnavailable(exception))
            {
                // The event is recorded; its alarm stays and the timer sends the notification within a minute.
                logger.LogWarning(LogEvents.SaeNotificationDeferred, exception,
                    "SAE report due notification for {AdverseEventId} deferred to the timer", history.AdverseEventId);
            }
        }
        return clock;
    }

    private IEnumerable<FieldError> CheckFacts(AdverseEventFacts facts, ParticipantRecord participant, DateTimeOffset now)
    {
        foreach (var error in OutcomeRecording.CheckDate("onsetDate", facts.OnsetDate, participant, now)) yield return error;
        if (facts.ResolutionDate is { } resolved)
            foreach (var error in OutcomeRecording.CheckDate("resolutionDate", resolved, participant, now)) yield return error;
        foreach (var error in OutcomeRecording.CheckInstant("awareAt", facts.AwareAt, now)) yield return error;
        foreach (var error in OutcomeRecording.CheckInstant("sponsorReportSentAt", facts.SponsorReportSentAt, now)) yield return error;
    }

    /// <summary>
    /// The audit record of the history's last version: a first report, a follow-up, a correction (with its reason) or
    /// the sponsor report marked sent. Keyed by event and version, so a retried write records it once.
    /// </summary>
    private Task AuditAsync(CallerContext caller, ParticipantRecord participant, AdverseEventHistory history, CancellationToken cancellationToken)
    {
        var version = history.Versions[^1];
        var previous = history.Versions.Count > 1 ? history.Versions[^2] : null;
        var action = version.Change switch
        {
            AdverseEventChange.Initial => AuditActions.AdverseEventRecorded,
            AdverseEventChange.Correction => AuditActions.DataCorrected,
            _ when version.Facts.SponsorReportSentAt is not null && previous?.Facts.SponsorReportSentAt is null => AuditActions.SponsorReportSent,
            _ => AuditActions.AdverseEventUpdated,
        };
        return audit.RecordAsync(caller.Actor, new AuditChange(action, "adverse_event", history.AdverseEventId)
        {
            SiteId = participant.SiteId, Before = previous is null ? null : VersionView(previous), After = VersionView(version),
            Reason = version.ChangeReason, ProtocolVersion = participant.ProtocolVersion,
            EventKey = $"adverse_event:{history.AdverseEventId}:v{version.Version}",
        }, cancellationToken);
    }

    private static AdverseEventVersionView VersionView(AdverseEventVersion v) => new(v.Version, v.Change, v.ChangeReason, v.RecordedAt, v.Facts);

    /// <summary>The route names the event; a body that leaves <c>adverseEventId</c> out gets it from there.</summary>
    private static ReadOnlyMemory<byte> WithAdverseEventId(ReadOnlyMemory<byte> body, string adverseEventId)
    {
        try
        {
            if (JsonNode.Parse(body.Span) is JsonObject json && !json.ContainsKey("adverseEventId"))
            {
                json["adverseEventId"] = adverseEventId;
                return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
            }
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, a property given twice, or text that is not valid Unicode: the parser says which, with the path.
        }
        return body;
    }

    private static ApiResponse UnknownEvent(HttpContext context, string participantId, string adverseEventId) =>
        Problems.NotFound(context, $"Participant '{participantId}' has no adverse event '{adverseEventId}'.");

    private static string Location(string participantId, string adverseEventId) =>
        $"/api/participants/{Uri.EscapeDataString(participantId)}/adverse-events/{Uri.EscapeDataString(adverseEventId)}";

    private ApiResponse Rejected(ApiResponse response)
    {
        logger.LogInformation(LogEvents.OutcomeRejected, "Adverse event request refused with {StatusCode}", response.StatusCode);
        return response;
    }

    public static AdverseEventView View(ParticipantRecord participant, AdverseEventHistory history, SaeClockRecord? clock, DateTimeOffset now)
    {
        SaeClockView? clockView = null;
        if (clock is not null && clock.ClosedReason != SaeClockRecord.ClosedNotSerious)
        {
            var judged = new SaeClock(clock.AwareAt, clock.Deadline, clock.ReportSentAt);
            clockView = new SaeClockView(clock.AwareAt, clock.Deadline, judged.StateAt(now), clock.ReportSentAt, clock.EscalatedAt);
        }
        return new AdverseEventView(history.AdverseEventId, participant.ParticipantId, participant.SiteId, history.Versions[^1].Version,
            history.IsSerious, history.WorstGrade, clockView,
            history.Versions.Select(v => new AdverseEventVersionView(v.Version, v.Change, v.ChangeReason, v.RecordedAt, v.Facts)).ToList());
    }

    /// <summary>The next version to append, or the response that refuses it.</summary>
    private readonly record struct OneOf(AdverseEventReport? Report, ApiResponse? Refusal)
    {
        public static implicit operator OneOf(AdverseEventReport report) => new(report, null);
        public static implicit operator OneOf(ApiResponse refusal) => new(null, refusal);
    }
}
