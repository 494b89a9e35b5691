using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows.Outcomes;

namespace RpsServerless.Functions.Http;

/// <summary>
/// Outcome recording (api.md; protocol.md §2 E02 and §6): disease assessments, adverse events with their SAE clock,
/// final pathology. Every change is a new record; corrections carry a reason; nothing is deleted.
/// <list type="table">
/// <item><c>POST participants/{id}/assessments</c> — a new assessment (201)</item>
/// <item><c>POST participants/{id}/assessments/{assessmentId}/corrections</c> — <c>{ reason, assessment }</c> (201, a new record)</item>
/// <item><c>POST participants/{id}/adverse-events</c> — a first report (201); with <c>adverseEventId</c> + <c>change</c> an update (200)</item>
/// <item><c>POST participants/{id}/adverse-events/{adverseEventId}</c> — follow-up or correction, the next version (200)</item>
/// <item><c>POST participants/{id}/adverse-events/{adverseEventId}/sponsor-report</c> — <c>{ sentAt }</c>: report sent, clock closed (200)</item>
/// <item><c>GET participants/{id}/adverse-events/{adverseEventId}</c> — the event, its versions and clock</item>
/// <item><c>POST participants/{id}/pathology</c> — final pathology, E02 judged (201)</item>
/// <item><c>POST participants/{id}/pathology/corrections</c> — <c>{ reason, report }</c> (200)</item>
/// <item><c>GET participants/{id}/pathology</c> — reports and exclusion history</item>
/// </list>
/// </summary>
public sealed class Outcomes(ApiEndpoint endpoint, RecordAssessment assessments, RecordAdverseEvent adverseEvents, RecordFinalPathology pathology)
{
    private const string Participant = "participants/{participantId}";

    [Function(nameof(RecordAssessment))]
    public Task<IResult> RecordAssessment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/assessments")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => assessments.RecordAsync(caller, participantId, body, ct), cancellationToken);

    [Function(nameof(CorrectAssessment))]
    public Task<IResult> CorrectAssessment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/assessments/{assessmentId}/corrections")] HttpRequest request,
        string participantId, string assessmentId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => assessments.CorrectAsync(caller, participantId, assessmentId, body, ct), cancellationToken);

    [Function(nameof(RecordAdverseEvent))]
    public Task<IResult> RecordAdverseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/adverse-events")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => adverseEvents.CreateAsync(caller, participantId, body, ct), cancellationToken);

    [Function(nameof(UpdateAdverseEvent))]
    public Task<IResult> UpdateAdverseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/adverse-events/{adverseEventId}")] HttpRequest request,
        string participantId, string adverseEventId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => adverseEvents.UpdateAsync(caller, participantId, adverseEventId, body, ct), cancellationToken);

    [Function(nameof(MarkSponsorReportSent))]
    public Task<IResult> MarkSponsorReportSent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/adverse-events/{adverseEventId}/sponsor-report")] HttpRequest request,
        string participantId, string adverseEventId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => adverseEvents.MarkSponsorReportSentAsync(caller, participantId, adverseEventId, body, ct),
            cancellationToken);

    [Function(nameof(GetAdverseEvent))]
    public Task<IResult> GetAdverseEvent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Participant + "/adverse-events/{adverseEventId}")] HttpRequest request,
        string participantId, string adverseEventId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await adverseEvents.GetAsync(caller, participantId, adverseEventId, ct), cancellationToken);

    [Function(nameof(RecordFinalPathology))]
    public Task<IResult> RecordFinalPathology(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/pathology")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => pathology.RecordAsync(caller, participantId, body, ct), cancellationToken);

    [Function(nameof(CorrectFinalPathology))]
    public Task<IResult> CorrectFinalPathology(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Participant + "/pathology/corrections")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.PostAsync(request, (caller, body, ct) => pathology.CorrectAsync(caller, participantId, body, ct), cancellationToken);

    [Function(nameof(GetFinalPathology))]
    public Task<IResult> GetFinalPathology(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Participant + "/pathology")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async (caller, ct) => await pathology.GetAsync(caller, participantId, ct), cancellationToken);
}
