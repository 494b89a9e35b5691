using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>A participant's schedule of events, and recording its visits.</summary>
public sealed class ParticipantSchedules(ApiEndpoint endpoint, ReadSchedule read, RecordVisit record)
{
    [Function(nameof(GetSchedule))]
    public Task<IResult> GetSchedule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "participants/{participantId}/schedule")] HttpRequest request,
        string participantId,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct => await read.RunAsync(request.HttpContext, participantId, ct).ConfigureAwait(false), cancellationToken);

    [Function(nameof(RecordVisit))]
    public Task<IResult> RecordVisit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "participants/{participantId}/visits/{visitId}")] HttpRequest request,
        string participantId,
        string visitId,
        CancellationToken cancellationToken) =>
        endpoint.PostJsonAsync<VisitRecordingRequest>(request,
            (caller, body, ct) => record.RunAsync(caller, participantId, visitId, body, ct), cancellationToken);
}
