using Microsoft.AspNetCore.Http;

namespace RpsServerless.Functions.Security;

/// <summary>
/// Who is calling, as far as the app knows. Idempotency keys are scoped by it. Until authentication exists every
/// caller is <see cref="AnonymousCaller.Id"/>; the security work replaces the registration, not the users of it.
/// </summary>
public interface ICallerIdentity
{
    /// <summary>A stable id of the caller (user or client app) of this request.</summary>
    string GetCallerId(HttpRequest request);
}

public sealed class AnonymousCaller : ICallerIdentity
{
    public const string Id = "anonymous";

    public string GetCallerId(HttpRequest request) => Id;
}
