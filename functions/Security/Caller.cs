using System.Text.RegularExpressions;

namespace RpsServerless.Functions.Security;

/// <summary>
/// An authenticated caller: the token's subject, its app roles, and the sites of its site claim. Built only by
/// <see cref="BearerAuthenticator"/> from a validated token (and by tests).
/// </summary>
/// <param name="Id">The token's <c>oid</c> (Entra object id), else its <c>sub</c>: stable per user, scopes idempotency keys.</param>
public sealed partial record Caller(string Id, IReadOnlySet<Role> Roles, IReadOnlySet<string> Sites)
{
    /// <summary>Whether any of the caller's roles grants <paramref name="permission"/> anywhere (else 403).</summary>
    public bool Holds(Permission permission) =>
        Roles.Any(role => AccessPolicy.Grants[role].Contains(permission) && (!AccessPolicy.SiteScoped.Contains(role) || Sites.Count > 0));

    /// <summary>Whether the caller holds <paramref name="permission"/> at <paramref name="siteId"/>.</summary>
    public bool HoldsAt(Permission permission, string siteId) =>
        Roles.Any(role => AccessPolicy.Grants[role].Contains(permission) &&
                          (!AccessPolicy.SiteScoped.Contains(role) || Sites.Contains(siteId)));

    /// <summary>The roles as the audit trail records them: claim values, ordinal order, space-separated.</summary>
    public string RoleNames => string.Join(' ', Roles.Select(role => role.ClaimValue()).Order(StringComparer.Ordinal));

    /// <summary>A site id as the protocol writes them (<c>PKUIH</c>, <c>XJTU1</c>): 2–16 upper-case letters or digits.</summary>
    public static bool IsSiteId(string value) => SiteIdPattern().IsMatch(value);

    [GeneratedRegex("^[A-Z0-9]{2,16}$", RegexOptions.CultureInvariant)]
    private static partial Regex SiteIdPattern();
}
