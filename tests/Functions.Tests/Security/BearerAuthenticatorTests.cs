using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

public class BearerAuthenticatorTests
{
    private static async Task<Authentication> Authenticate(string? authorization, TimeProvider? time = null)
    {
        var request = TestHttp.Get("/api/audit");
        if (authorization is not null) request.Headers.Authorization = authorization;
        return await TestTokens.Authenticator(time).AuthenticateAsync(request, CancellationToken.None);
    }

    [Fact]
    public async Task ValidToken_GivesTheCallerWithSubjectRolesAndSites()
    {
        var result = await Authenticate(TestTokens.Header(TestTokens.Create(roles: ["coordinator", "not_a_role"], sites: ["PKUIH", "bad site"])));
        var caller = Assert.IsType<Caller>(result.Caller);
        Assert.Equal("user-1", caller.Id);
        Assert.Equal([Role.Coordinator], caller.Roles);
        Assert.Equal(["PKUIH"], caller.Sites);
    }

    [Fact]
    public async Task SubjectFallsBackToSub_WhenThereIsNoOid()
    {
        var token = TestTokens.Create(roles: ["auditor"], includeSubject: false);
        Assert.Equal(TokenRejection.NoSubject, (await Authenticate(TestTokens.Header(token))).Rejection);
    }

    public static TheoryData<string, string?, TokenRejection> BadTokens() => new()
    {
        { "missing", null, TokenRejection.Missing },
        { "empty", "", TokenRejection.Missing },
        { "other scheme", "Basic dXNlcjpwYXNz", TokenRejection.Malformed },
        { "bearer without token", "Bearer ", TokenRejection.Malformed },
        { "not a jwt", "Bearer hello", TokenRejection.Malformed },
        { "garbage parts", "Bearer a.b.c", TokenRejection.Malformed },
        { "forged (wrong key)", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], key: TestTokens.ForgedKey)), TokenRejection.InvalidSignature },
        { "expired", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], notBefore: DateTimeOffset.UtcNow.AddHours(-2), expires: DateTimeOffset.UtcNow.AddMinutes(-10))), TokenRejection.Expired },
        { "not yet valid", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], notBefore: DateTimeOffset.UtcNow.AddMinutes(10), expires: DateTimeOffset.UtcNow.AddHours(1))), TokenRejection.NotYetValid },
        { "wrong audience", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], audience: "api://someone-else")), TokenRejection.InvalidAudience },
        { "wrong issuer", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], issuer: "https://evil.invalid/v2.0")), TokenRejection.InvalidIssuer },
        { "alg none", TestTokens.Header(TestTokens.AlgNone()), TokenRejection.InvalidSignature },
        { "HS256 with the public key", TestTokens.Header(TestTokens.HmacWithPublicKey()), TokenRejection.InvalidSignature },
        { "RS512 not on the allow-list", TestTokens.Header(TestTokens.Create(roles: ["coordinator"], algorithm: SecurityAlgorithms.RsaSha512)), TokenRejection.InvalidAlgorithm },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_IsRejected(string why, string? header, TokenRejection expected)
    {
        var result = await Authenticate(header);
        Assert.Null(result.Caller);
        // Signature, algorithm and key faults may be reported as either; what matters is that nothing gets in.
        if (expected is TokenRejection.InvalidSignature or TokenRejection.InvalidAlgorithm)
            Assert.True(result.Rejection is TokenRejection.InvalidSignature or TokenRejection.InvalidAlgorithm or TokenRejection.Invalid, why);
        else
            Assert.True(expected == result.Rejection, $"{why}: {result.Rejection}");
    }

    [Fact]
    public async Task Lifetime_UsesTheAppClock_WithTwoMinutesOfSkew()
    {
        var now = DateTimeOffset.UtcNow;
        var token = TestTokens.Header(TestTokens.Create(roles: ["auditor"], notBefore: now, expires: now.AddMinutes(10)));
        Assert.NotNull((await Authenticate(token, new FakeTimeProvider(now.AddMinutes(11)))).Caller);
        Assert.Equal(TokenRejection.Expired, (await Authenticate(token, new FakeTimeProvider(now.AddMinutes(13)))).Rejection);
        Assert.NotNull((await Authenticate(token, new FakeTimeProvider(now.AddMinutes(-1)))).Caller);
        Assert.Equal(TokenRejection.NotYetValid, (await Authenticate(token, new FakeTimeProvider(now.AddMinutes(-3)))).Rejection);
    }

    [Fact]
    public async Task TwoAuthorizationHeaders_AreMalformed()
    {
        var request = TestHttp.Get("/api/audit");
        var good = TestTokens.Header(TestTokens.For(Role.Auditor));
        request.Headers.Authorization = new Microsoft.Extensions.Primitives.StringValues([good, good]);
        Assert.Equal(TokenRejection.Malformed, (await TestTokens.Authenticator().AuthenticateAsync(request, CancellationToken.None)).Rejection);
    }

    [Fact]
    public async Task OversizedToken_IsRefusedUnparsed()
    {
        var huge = "Bearer " + new string('a', BearerAuthenticator.MaxTokenBytes) + ".b.c";
        Assert.Equal(TokenRejection.Malformed, (await Authenticate(huge)).Rejection);
    }

    [Fact]
    public async Task NoAuthorityAndNoDevelopmentKey_IsUnavailable_NeverAnonymous()
    {
        var authenticator = new BearerAuthenticator(new UnconfiguredSigningKeys(), TestTokens.Options, TimeProvider.System);
        var request = TestHttp.Get("/api/audit");
        request.Headers.Authorization = TestTokens.Header(TestTokens.For(Role.Auditor));
        await Assert.ThrowsAsync<AuthenticationUnavailableException>(() => authenticator.AuthenticateAsync(request, CancellationToken.None));
    }

    [Fact]
    public async Task OpenIdConnectKeys_AreReadFromTheAuthoritysMetadata_AndRefreshedOnAnUnknownKeyId()
    {
        var handler = new MetadataHandler();
        var source = new OpenIdConnectSigningKeys("https://login.test.invalid/tenant/v2.0", new HttpClient(handler));
        var authenticator = new BearerAuthenticator(source, TestTokens.Options, TimeProvider.System);
        var request = TestHttp.Get("/api/audit");
        request.Headers.Authorization = TestTokens.Header(TestTokens.For(Role.Auditor));

        var result = await authenticator.AuthenticateAsync(request, CancellationToken.None);
        Assert.NotNull(result.Caller);
        Assert.Contains("https://login.test.invalid/tenant/v2.0/.well-known/openid-configuration", handler.Requested);
        Assert.Contains("https://login.test.invalid/tenant/v2.0/keys", handler.Requested);
    }

    [Fact]
    public void Authority_MustBeHttps() =>
        Assert.Throws<InvalidOperationException>(() => new OpenIdConnectSigningKeys("http://login.test.invalid/tenant/v2.0"));

    [Fact]
    public async Task UnreachableAuthority_IsUnavailable()
    {
        var source = new OpenIdConnectSigningKeys("https://login.test.invalid/tenant/v2.0", new HttpClient(new MetadataHandler { Down = true }));
        await Assert.ThrowsAsync<AuthenticationUnavailableException>(() => source.GetAsync(CancellationToken.None));
    }

    /// <summary>Serves an OpenID configuration and a JWKS holding the test key's public half.</summary>
    private sealed class MetadataHandler : HttpMessageHandler
    {
        public List<string> Requested { get; } = [];
        public bool Down { get; init; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!.ToString();
            Requested.Add(uri);
            if (Down) return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
            var json = uri.EndsWith("/openid-configuration", StringComparison.Ordinal)
                ? $$"""{"issuer":"{{TestTokens.Issuer}}","jwks_uri":"https://login.test.invalid/tenant/v2.0/keys","id_token_signing_alg_values_supported":["RS256"]}"""
                : Jwks();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json) });
        }

        private static string Jwks()
        {
            var p = TestTokens.Rsa.ExportParameters(false);
            return $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"test-key","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}]}""";
        }
    }
}
