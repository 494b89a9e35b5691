using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using RpsServerless.Functions.Workflows;

namespace RpsServerless.Functions.Http;

/// <summary>What a site's coordinators work from: the worklist and the notification inbox.</summary>
public sealed class SiteWork(ApiEndpoint endpoint, ReadWorklist worklist, ReadInbox inbox)
{
    [Function(nameof(GetWorklist))]
    public Task<IResult> GetWorklist(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{siteId}/worklist")] HttpRequest request,
        string siteId,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct => await worklist.RunAsync(request.HttpContext, siteId, ct).ConfigureAwait(false), cancellationToken);

    [Function(nameof(GetNotifications))]
    public Task<IResult> GetNotifications(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sites/{siteId}/notifications")] HttpRequest request,
        string siteId,
        CancellationToken cancellationToken) =>
        endpoint.GetAsync(request, async ct => await inbox.RunAsync(request.HttpContext, siteId, ct).ConfigureAwait(false), cancellationToken);
}
