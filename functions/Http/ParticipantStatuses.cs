using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>Vital status, withdrawal, lost to follow-up and allocation errors of a participant.</summary>
public sealed class ParticipantStatuses(ApiEndpoint endpoint, RecordParticipantStatus record)
{
    [Function(nameof(RecordStatus))]
    public Task<IResult> RecordStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "participants/{participantId}/status")] HttpRequest request,
        string participantId,
        CancellationToken cancellationToken) =>
        // The outcome parser reads the body itself: field-path errors, unknown properties rejected.
        endpoint.PostAsync(request, (caller, body, ct) => record.RunAsync(caller, participantId, body, ct), cancellationToken);
}
