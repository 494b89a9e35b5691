using System.Globalization;
using Microsoft.AspNetCore.Http;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Notifications;

namespace RpsServerless.Functions.Workflows;

public sealed record InboxBody(string SiteId, IReadOnlyList<CoordinatorNotification> Notifications, string? ContinuationToken);

/// <summary><c>GET /api/sites/{siteId}/notifications?since=&amp;continuationToken=</c>: the site's inbox, oldest first, a page at a time.</summary>
public sealed class ReadInbox(INotificationInbox inbox)
{
    public const int PageSize = 200;

    public async Task<ApiResponse> RunAsync(HttpContext context, string siteId, CancellationToken cancellationToken)
    {
        if (!ProtocolCatalog.Get().Sites.Any(site => site.Id == siteId))
            return Security.AccessProblems.NotFound(context); // as a site out of the caller's scope

        DateTimeOffset? since = null;
        var text = context.Request.Query["since"].ToString();
        if (!string.IsNullOrEmpty(text))
        {
            // An instant with its offset (2026-12-20T00:00:00Z): a bare local time would mean different things at each site.
            if (!DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var parsed) || !(text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9))
                return Problems.BadRequest(context, "An ISO 8601 instant with Z or an offset, e.g. 2026-12-20T00:00:00Z.", "since");
            since = parsed;
        }

        try
        {
            var page = await inbox.ListAsync(siteId, since, context.Request.Query["continuationToken"].ToString(), PageSize, cancellationToken)
                .ConfigureAwait(false);
            return ApiResponse.Ok(new InboxBody(siteId, page.Notifications, page.ContinuationToken));
        }
        catch (InvalidContinuationTokenException)
        {
            return Problems.BadRequest(context, "The continuation token is not one this API issued.", "continuationToken");
        }
    }
}
