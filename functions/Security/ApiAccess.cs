using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Security;

/// <summary>The access decision for one request: its caller context, or the 401/403/404/503 to answer instead.</summary>
public sealed record AccessDecision(CallerContext? Context, ApiResponse? Rejection);

/// <summary>Access control of a request to a resource function; <see cref="ApiAccess"/> is the one the app uses.</summary>
public interface IAccessGate
{
    Task<AccessDecision> CheckAsync(HttpRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Access control in front of every resource function, in this order: authenticate (401), find the route's rule in
/// <see cref="RouteAccess"/> (none: 403, deny by default), require the permission (403), check a site named by the
/// route (<c>{siteId}</c>, or the site inside <c>{participantId}</c>) against the caller's sites (404). Sites known
/// only from the stored resource or the body are checked by the handler through <see cref="CallerContext.RequireSite"/>.
/// Logs carry the outcome and the caller's subject, never the token.
/// </summary>
public sealed class ApiAccess(BearerAuthenticator authenticator, ILogger<ApiAccess> logger) : IAccessGate
{
    /// <summary>Suggested wait before retrying when the token authority could not be reached.</summary>
    public static readonly TimeSpan RetryAfterUnavailable = TimeSpan.FromSeconds(10);

    public async Task<AccessDecision> CheckAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var http = request.HttpContext;
        Authentication authentication;
        try
        {
            authentication = await authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationUnavailableException exception)
        {
            logger.LogError(LogEvents.AuthenticationUnavailable, exception, "Tokens cannot be validated; answered 503");
            return new AccessDecision(null, Problems.Create(http, StatusCodes.Status503ServiceUnavailable, ProblemTypes.ServiceUnavailable,
                    "Service unavailable.", "Sign-in cannot be checked right now and nothing was changed. Retry later.")
                .WithHeader("Retry-After", Problems.RetryAfterSeconds(RetryAfterUnavailable)));
        }

        if (authentication.Caller is not { } caller)
        {
            logger.LogInformation(LogEvents.AuthenticationFailed, "Request refused with 401: {Reason}", authentication.Rejection);
            return new AccessDecision(null, AccessProblems.Unauthorized(http, authentication.Rejection!.Value));
        }

        var match = RouteAccess.Match(request.Method, request.Path.Value ?? "");
        if (match is not { } found || found.Rule.Anonymous)
        {
            logger.LogError(LogEvents.AccessRuleMissing, "No access rule for {Method} {Path}; answered 403", request.Method,
                request.Path.Value);
            return new AccessDecision(null, AccessProblems.Forbidden(http));
        }

        var (rule, values) = found;
        var context = new CallerContext(caller, rule, http, values);
        if (rule.Permission is { } permission && !caller.Holds(permission))
            return Denied(AccessProblems.Forbidden(http), "no role grants the permission");

        if (rule.SiteParameter is { } parameter)
        {
            var value = values.GetValueOrDefault(parameter) ?? "";
            var site = rule.Site == SiteScope.Participant
                ? ParticipantIds.TrySiteOf(value, out var participantSite) ? participantSite : null
                : value;
            if (site is null || context.RequireSite(site) is not null)
                return Denied(AccessProblems.NotFound(http), "site out of the caller's scope");
            context.MarkSiteChecked();
        }

        context.Attach();
        return new AccessDecision(context, null);

        AccessDecision Denied(ApiResponse response, string reason)
        {
            logger.LogWarning(LogEvents.AccessDenied, "Caller {CallerId} refused {StatusCode} on {Route} needing {Permission}: {Reason}",
                caller.Id, response.StatusCode, rule.Key, rule.Permission, reason);
            return new AccessDecision(null, response);
        }
    }
}
