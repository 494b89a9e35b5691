using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RpsServerless.Functions.Security;

/// <summary>Why a request carries no acceptable token. Each maps to one fixed, internals-free description.</summary>
public enum TokenRejection
{
    Missing,
    Malformed,
    Expired,
    NotYetValid,
    InvalidSignature,
    InvalidAudience,
    InvalidIssuer,
    InvalidAlgorithm,
    NoSubject,
    Invalid,
}

/// <summary>The outcome of <see cref="BearerAuthenticator.AuthenticateAsync"/>: a caller, or why not.</summary>
public sealed record Authentication(Caller? Caller, TokenRejection? Rejection)
{
    public static Authentication Rejected(TokenRejection rejection) => new(null, rejection);

    /// <summary>The <c>error_description</c> of <c>WWW-Authenticate</c> (RFC 6750): what the client can fix, no internals.</summary>
    public static string Describe(TokenRejection rejection) => rejection switch
    {
        TokenRejection.Missing => "No bearer token was sent.",
        TokenRejection.Malformed => "The bearer token is malformed.",
        TokenRejection.Expired => "The token has expired.",
        TokenRejection.NotYetValid => "The token is not yet valid.",
        TokenRejection.InvalidSignature => "The token signature is not valid.",
        TokenRejection.InvalidAudience => "The token was issued for another audience.",
        TokenRejection.InvalidIssuer => "The token was issued by an untrusted issuer.",
        TokenRejection.InvalidAlgorithm => "The token signing algorithm is not accepted.",
        TokenRejection.NoSubject => "The token names no subject.",
        _ => "The token is not valid.",
    };
}

/// <summary>
/// Validates the request's bearer JWT in the app: RS256 only (so <c>alg: none</c> and HMAC tokens are refused),
/// signed by a key of the configured source, issuer and audience exact, <c>exp</c> required and <c>nbf</c> honoured
/// with a small clock skew. The caller is the token's <c>oid</c> (else <c>sub</c>), its app roles from <c>roles</c>
/// and its sites from the site claim. There is no other way in: no bypass header, no anonymous fallback.
/// </summary>
public sealed class BearerAuthenticator(ISigningKeySource keys, AuthOptions options, TimeProvider time)
{
    /// <summary>Longer tokens are refused unparsed. Entra access tokens are a few KiB.</summary>
    public const int MaxTokenBytes = 16 * 1024;

    public static readonly IReadOnlyList<string> AllowedAlgorithms = [SecurityAlgorithms.RsaSha256];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenBytes };

    public async Task<Authentication> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var token = ReadBearer(request.Headers.Authorization, out var rejection);
        if (token is null)
            return Authentication.Rejected(rejection);
        if (options.Audience is null)
            throw new AuthenticationUnavailableException("No token audience is configured (Auth:Audience).");

        var set = await keys.GetAsync(cancellationToken).ConfigureAwait(false);
        var result = await _handler.ValidateTokenAsync(token, Parameters(set)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Entra rolls its keys over: an unknown key id means "fetch the keys again", once.
            keys.RequestRefresh();
            set = await keys.GetAsync(cancellationToken).ConfigureAwait(false);
            result = await _handler.ValidateTokenAsync(token, Parameters(set)).ConfigureAwait(false);
        }
        if (!result.IsValid)
            return Authentication.Rejected(Classify(result.Exception));

        var claims = result.ClaimsIdentity.Claims.ToList();
        var subject = First(claims, "oid") ?? First(claims, "sub");
        if (subject is null || subject.Length > 128 || subject.Any(char.IsControl))
            return Authentication.Rejected(TokenRejection.NoSubject);

        var roles = new HashSet<Role>();
        foreach (var claim in claims.Where(c => c.Type == AuthOptions.RolesClaim))
            if (AccessPolicy.TryParseRole(claim.Value, out var role))
                roles.Add(role);
        var sites = claims.Where(c => c.Type == options.SiteClaim).Select(c => c.Value.Trim())
            .Where(Caller.IsSiteId).ToHashSet(StringComparer.Ordinal);
        return new Authentication(new Caller(subject, roles, sites), null);
    }

    private TokenValidationParameters Parameters(SigningKeySet set) => new()
    {
        ValidIssuer = set.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKeys = set.Keys,
        ValidAlgorithms = AllowedAlgorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        RequireAudience = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = options.ClockSkew,
        LifetimeValidator = ValidateLifetime,
        SaveSigninToken = false,
    };

    /// <summary>The default validator reads the system clock; this one reads the app's <see cref="TimeProvider"/>.</summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
            throw new SecurityTokenNoExpirationException("No expiration.");
        if (notBefore is { } nbf && nbf > now + parameters.ClockSkew)
            throw new SecurityTokenNotYetValidException("Not yet valid.") { NotBefore = nbf };
        if (expires.Value < now - parameters.ClockSkew)
            throw new SecurityTokenExpiredException("Expired.") { Expires = expires.Value };
        if (notBefore is { } start && start > expires)
            throw new SecurityTokenInvalidLifetimeException("nbf after exp.");
        return true;
    }

    private static string? ReadBearer(StringValues headers, out TokenRejection rejection)
    {
        rejection = TokenRejection.Missing;
        if (headers.Count == 0)
            return null;
        rejection = TokenRejection.Malformed;
        if (headers.Count > 1)
            return null;
        var header = headers[0] ?? "";
        const string scheme = "Bearer ";
        if (header.Length == 0)
        {
            rejection = TokenRejection.Missing;
            return null;
        }
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > MaxTokenBytes + scheme.Length)
            return null;
        var token = header[scheme.Length..].Trim();
        // A compact JWS: three base64url parts (RFC 7515 §7.1); anything else is not worth parsing.
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 ||
            !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return null;
        return token;
    }

    private static TokenRejection Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => TokenRejection.Expired,
        SecurityTokenNotYetValidException => TokenRejection.NotYetValid,
        SecurityTokenInvalidAudienceException => TokenRejection.InvalidAudience,
        SecurityTokenInvalidIssuerException => TokenRejection.InvalidIssuer,
        SecurityTokenInvalidAlgorithmException => TokenRejection.InvalidAlgorithm,
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => TokenRejection.InvalidSignature,
        SecurityTokenMalformedException or ArgumentException => TokenRejection.Malformed,
        _ => TokenRejection.Invalid,
    };

    private static string? First(IEnumerable<Claim> claims, string type) =>
        claims.FirstOrDefault(claim => claim.Type == type && claim.Value.Length > 0)?.Value;
}
