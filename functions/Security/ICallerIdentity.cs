using Microsoft.AspNetCore.Http;

namespace RpsServerless.Functions.Security;

/// <summary>Who is calling, as far as the app knows. Idempotency keys are scoped by it.</summary>
public interface ICallerIdentity
{
    /// <summary>A stable id of the caller (user or client app) of this request.</summary>
    string GetCallerId(HttpRequest request);
}

/// <summary>
/// The authenticated caller's subject (<c>oid</c>/<c>sub</c>), as <see cref="Http.ApiEndpoint"/> established it for
/// this request. Asking before authentication is a programming error, never an anonymous caller.
/// </summary>
public sealed class TokenCallerIdentity : ICallerIdentity
{
    public string GetCallerId(HttpRequest request) =>
        CallerContext.Find(request.HttpContext)?.Caller.Id
        ?? throw new InvalidOperationException("The request has not been authenticated.");
}
