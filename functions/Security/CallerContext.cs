using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Security;

/// <summary>
/// The authenticated caller of one request and the access rule of its route, handed to the handler by
/// <see cref="ApiEndpoint"/>. Handlers of routes whose site is known only from the resource or the body
/// (<see cref="SiteScope.Resource"/>, <see cref="SiteScope.Body"/>) call <see cref="RequireSite"/> once they know it:
/// <code>if (caller.RequireSite(screening.SiteId) is { } denied) return denied;</code>
/// </summary>
public sealed class CallerContext
{
    private static readonly object ItemKey = new();

    public CallerContext(Caller caller, RouteRule rule, HttpContext http, IReadOnlyDictionary<string, string> routeValues)
    {
        Caller = caller;
        Rule = rule;
        Http = http;
        RouteValues = routeValues;
    }

    public Caller Caller { get; }
    public RouteRule Rule { get; }
    public HttpContext Http { get; }
    public IReadOnlyDictionary<string, string> RouteValues { get; }

    /// <summary>Whether a site was checked for this request (by the endpoint or the handler).</summary>
    public bool SiteChecked { get; private set; }

    /// <summary>The request id that the audit trail and problem details carry (<c>traceId</c>).</summary>
    public string RequestId => Problems.TraceId(Http);

    /// <summary>The actor of audit records written for this request.</summary>
    public AuditActor Actor => new(Caller.Id, Caller.RoleNames, RequestId);

    /// <summary>The context of an authenticated request, or null before authentication.</summary>
    public static CallerContext? Find(HttpContext http) => http.Items.TryGetValue(ItemKey, out var value) ? value as CallerContext : null;

    /// <summary>The context of a request the endpoint has authenticated.</summary>
    public static CallerContext Of(HttpRequest request) =>
        Find(request.HttpContext) ?? throw new InvalidOperationException("The request has not been authenticated.");

    public void Attach() => Http.Items[ItemKey] = this;

    /// <summary>Whether the caller may act on data of <paramref name="siteId"/> under this route's permission.</summary>
    public bool CanAccessSite(string siteId) => Rule.Permission is { } permission && Caller.HoldsAt(permission, siteId);

    /// <summary>
    /// Null when the caller holds the route's permission at <paramref name="siteId"/>; otherwise the answer to give:
    /// 404 for a resource of another site (api.md: a caller never learns that another site's id exists), 403 when
    /// the caller named the site in the body.
    /// </summary>
    public ApiResponse? RequireSite(string siteId)
    {
        SiteChecked = true;
        if (CanAccessSite(siteId))
            return null;
        return Rule.Site == SiteScope.Body ? AccessProblems.Forbidden(Http) : AccessProblems.NotFound(Http);
    }

    /// <summary>
    /// Null when the caller holds <paramref name="permission"/> at <paramref name="siteId"/> (e.g. a sign-off inside a
    /// route of another permission); 403 when no role grants it at all, 404 when only the site is out of scope.
    /// </summary>
    public ApiResponse? Require(Permission permission, string siteId)
    {
        SiteChecked = true;
        if (Caller.HoldsAt(permission, siteId))
            return null;
        return Caller.Holds(permission) ? AccessProblems.NotFound(Http) : AccessProblems.Forbidden(Http);
    }

    public void MarkSiteChecked() => SiteChecked = true;
}

/// <summary>The 401/403/404 answers of access control. None says more than the status needs.</summary>
public static class AccessProblems
{
    public static ApiResponse Unauthorized(HttpContext context, TokenRejection rejection)
    {
        var description = Authentication.Describe(rejection);
        var challenge = rejection == TokenRejection.Missing
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{description}\"";
        return Problems.Create(context, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Unauthorized.", description)
            .WithHeader("WWW-Authenticate", challenge);
    }

    public static ApiResponse Forbidden(HttpContext context) =>
        Problems.Create(context, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden.",
            "Your role does not permit this request.");

    /// <summary>The same 404 an unknown id gets, so the two cannot be told apart.</summary>
    public static ApiResponse NotFound(HttpContext context) =>
        Problems.NotFound(context, "No such resource.");
}
