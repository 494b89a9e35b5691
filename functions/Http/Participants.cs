using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>Participants: one by id, a site's list.</summary>
public sealed class Participants(ApiEndpoint endpoint, ReadParticipants read)
{
    [Function(nameof(GetParticipant))]
    public Task<IResult> GetParticipant(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "participants/{participantId}")] HttpRequest request,
        string participantId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct =>
            await read.FindAsync(participantId, ct).ConfigureAwait(false) is { } participant
                ? ApiResponse.Ok(ParticipantBody.From(participant))
                : Security.AccessProblems.NotFound(request.HttpContext), cancellationToken);

    [Function(nameof(ListSiteParticipants))]
    public Task<IResult> ListSiteParticipants(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{siteId}/participants")] HttpRequest request,
        string siteId, CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct =>
        {
            var query = new Query(request);
            var token = query.ContinuationToken(TableParticipantDirectory.IsValidContinuationToken);
            var pageSize = query.PageSize();
            if (query.Errors.Count > 0)
                return Problems.Validation(request.HttpContext, query.Errors);
            return await read.ListBySiteAsync(siteId, token, pageSize, ct).ConfigureAwait(false) is { } page
                ? ApiResponse.Ok(new PageBody<ParticipantBody>(page.Items.Select(ParticipantBody.From).ToList(), page.ContinuationToken))
                : Security.AccessProblems.NotFound(request.HttpContext);
        }, cancellationToken);
}
