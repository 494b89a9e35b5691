using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace RpsServerless.Functions.Security;

/// <summary>
/// App settings of token validation (docs/deploy.md §3–4): <c>Auth__Authority</c>, <c>Auth__Audience</c>, and
/// optionally <c>Auth__SiteClaim</c> and <c>Auth__ClockSkewSeconds</c>.
/// </summary>
public sealed record AuthOptions
{
    public const string Section = "Auth";
    public const string DefaultSiteClaim = "natars_sites";
    public const string RolesClaim = "roles";
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The tenant-specific v2.0 issuer base, e.g. <c>https://login.microsoftonline.com/&lt;tenant&gt;/v2.0</c>.</summary>
    public string? Authority { get; init; }

    /// <summary>The API registration's application (client) id: the <c>aud</c> of accepted tokens.</summary>
    public string? Audience { get; init; }

    /// <summary>The claim listing the caller's sites (one value or a JSON array of values).</summary>
    public string SiteClaim { get; init; } = DefaultSiteClaim;

    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    public static AuthOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var skew = DefaultClockSkew;
        if (int.TryParse(section["ClockSkewSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            skew = TimeSpan.FromSeconds(Math.Min(seconds, MaxClockSkew.TotalSeconds));
        return new AuthOptions
        {
            Authority = Blank(section["Authority"])?.TrimEnd('/'),
            Audience = Blank(section["Audience"]),
            SiteClaim = Blank(section["SiteClaim"]) ?? DefaultSiteClaim,
            ClockSkew = skew,
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The issuer and keys that tokens must be signed by.</summary>
public sealed record SigningKeySet(string Issuer, IReadOnlyList<SecurityKey> Keys);

/// <summary>Where token signing keys come from: Entra ID's OpenID configuration in Azure, a development key on the devhost.</summary>
public interface ISigningKeySource
{
    /// <exception cref="AuthenticationUnavailableException">No keys can be had (not configured, metadata unreachable).</exception>
    Task<SigningKeySet> GetAsync(CancellationToken cancellationToken);

    /// <summary>A token named a key we do not know: fetch the keys again (key rollover) before the next attempt.</summary>
    void RequestRefresh();
}

/// <summary>The server cannot validate tokens right now; the caller gets 503, never access.</summary>
public sealed class AuthenticationUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Keys and issuer from <c>{Authority}/.well-known/openid-configuration</c>, cached and refreshed by
/// <see cref="ConfigurationManager{T}"/> (every 12 h, and at most every 5 min on request after an unknown key id).
/// </summary>
public sealed class OpenIdConnectSigningKeys : ISigningKeySource
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _manager;

    public OpenIdConnectSigningKeys(string authority, HttpClient? http = null)
    {
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException("Auth:Authority must be an absolute https URL.");
        var retriever = new HttpDocumentRetriever(http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) }) { RequireHttps = true };
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), retriever);
    }

    public async Task<SigningKeySet> GetAsync(CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _manager.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new AuthenticationUnavailableException("The OpenID configuration of the token authority could not be read.", exception);
        }
        if (string.IsNullOrEmpty(configuration.Issuer) || configuration.SigningKeys.Count == 0)
            throw new AuthenticationUnavailableException("The OpenID configuration of the token authority has no issuer or no keys.");
        return new SigningKeySet(configuration.Issuer, configuration.SigningKeys.ToList());
    }

    public void RequestRefresh() => _manager.RequestRefresh();
}

/// <summary>A fixed issuer and public keys: the devhost's development key (never when an Authority is configured), and tests.</summary>
public sealed class FixedSigningKeys(string issuer, params SecurityKey[] keys) : ISigningKeySource
{
    private readonly SigningKeySet _set = new(issuer, keys);

    public Task<SigningKeySet> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_set);

    public void RequestRefresh()
    {
    }
}

/// <summary>Neither an Authority nor a development key: every protected request is refused (503), none is let through.</summary>
public sealed class UnconfiguredSigningKeys : ISigningKeySource
{
    public Task<SigningKeySet> GetAsync(CancellationToken cancellationToken) =>
        throw new AuthenticationUnavailableException("No token authority is configured (Auth:Authority).");

    public void RequestRefresh()
    {
    }
}
