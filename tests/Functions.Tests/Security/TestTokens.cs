using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

/// <summary>A test token authority: an RSA key, its issuer and audience, and tokens good and bad.</summary>
internal static class TestTokens
{
    public const string Issuer = "https://login.test.invalid/tenant/v2.0";
    public const string Audience = "api://natars-test";

    public static readonly RSA Rsa = RSA.Create(2048);
    public static readonly RsaSecurityKey Key = new(Rsa) { KeyId = "test-key" };
    public static readonly RsaSecurityKey PublicKey = new(Rsa.ExportParameters(false)) { KeyId = "test-key" };
    public static readonly RsaSecurityKey ForgedKey = new(RSA.Create(2048)) { KeyId = "test-key" };

    public static AuthOptions Options { get; } = new() { Authority = null, Audience = Audience };

    public static BearerAuthenticator Authenticator(TimeProvider? time = null) =>
        new(new FixedSigningKeys(Issuer, PublicKey), Options, time ?? TimeProvider.System);

    public static string For(Role role, params string[] sites) => Create(roles: [role.ClaimValue()], sites: sites);

    public static string Create(
        string[]? roles = null, string[]? sites = null, string? subject = "user-1", string issuer = Issuer,
        string audience = Audience, DateTimeOffset? notBefore = null, DateTimeOffset? expires = null,
        SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256, bool includeSubject = true)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object>();
        if (includeSubject && subject is not null) claims["oid"] = subject;
        if (roles is not null) claims["roles"] = roles;
        if (sites is { Length: > 0 }) claims[AuthOptions.DefaultSiteClaim] = sites;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = (notBefore ?? now.AddMinutes(-1)).UtcDateTime,
            Expires = (expires ?? now.AddHours(1)).UtcDateTime,
            IssuedAt = now.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Key, algorithm),
        });
    }

    /// <summary>A token whose header says <c>alg: none</c> and which carries no signature.</summary>
    public static string AlgNone(string role = "coordinator")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","oid":"user-1","roles":["{{role}}"],"natars_sites":["PKUIH"],"nbf":{{now - 60}},"exp":{{now + 3600}}}""");
        return header + "." + payload + ".";
    }

    /// <summary>HS256 signed with the RSA public key's bytes as the secret: the classic algorithm-confusion forgery.</summary>
    public static string HmacWithPublicKey()
    {
        var secret = new SymmetricSecurityKey(Rsa.ExportSubjectPublicKeyInfo()) { KeyId = "test-key" };
        return Create(roles: ["coordinator"], sites: ["PKUIH"], key: secret, algorithm: SecurityAlgorithms.HmacSha256);
    }

    public static string Header(string token) => "Bearer " + token;

    public static string Utf8(string text) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(text));
}
