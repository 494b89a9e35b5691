using Microsoft.AspNetCore.Http;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests;

/// <summary>
/// Every route of <see cref="RouteAccess"/> × every role × own and other site, with the status access control must
/// give. The integration matrix (after the workflows exist) reuses <see cref="Cases"/> and <see cref="Expected"/>
/// and only has to supply real resource ids for <see cref="SiteScope.Resource"/> routes.
/// </summary>
public static class AccessMatrix
{
    public const string OwnSite = "PKUIH";
    public const string OtherSite = "BFH";

    public sealed record Case(RouteRule Rule, Role Role, bool OwnSite)
    {
        public string Site => OwnSite ? AccessMatrix.OwnSite : OtherSite;
        public override string ToString() => $"{Rule.Key} as {Role.ClaimValue()} at {(OwnSite ? "own" : "other")} site";
    }

    public static IEnumerable<Case> Cases() =>
        from rule in RouteAccess.Rules
        where !rule.Anonymous
        from role in Enum.GetValues<Role>()
        from own in new[] { true, false }
        select new Case(rule, role, own);

    /// <summary>The caller a role's token describes: site-scoped roles work at <see cref="OwnSite"/>.</summary>
    public static string[] SitesOf(Role role) => AccessPolicy.SiteScoped.Contains(role) ? [OwnSite] : [];

    /// <summary>A request path for the rule's template, its site parameter pointing at <paramref name="site"/>.</summary>
    public static string PathFor(RouteRule rule, string site, string screeningId = "scr_test") =>
        "/api/" + rule.Template
            .Replace("{siteId}", site, StringComparison.Ordinal)
            .Replace("{participantId}", $"NATARS-{site}-0001", StringComparison.Ordinal)
            .Replace("{screeningId}", screeningId, StringComparison.Ordinal)
            .Replace("{visitId}", "C1D1", StringComparison.Ordinal);

    /// <summary>
    /// What access control answers: 403 when no role of the caller grants the route's permission; 404 for a
    /// resource of a site out of scope (403 when the caller named that site in a body); otherwise the handler runs (200 here).
    /// </summary>
    public static int Expected(Case c)
    {
        if (c.Rule.Permission is not { } permission)
            return StatusCodes.Status200OK;
        if (!AccessPolicy.Grants[c.Role].Contains(permission))
            return StatusCodes.Status403Forbidden;
        if (c.Rule.Site == SiteScope.None || c.OwnSite || !AccessPolicy.SiteScoped.Contains(c.Role))
            return StatusCodes.Status200OK;
        return c.Rule.Site == SiteScope.Body ? StatusCodes.Status403Forbidden : StatusCodes.Status404NotFound;
    }
}

public class AccessMatrixTests
{
    public static TheoryData<string> CaseNames() => new(AccessMatrix.Cases().Select(c => c.ToString()));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task EveryRoute_EveryRole_OwnAndOtherSite(string name)
    {
        var c = AccessMatrix.Cases().Single(x => x.ToString() == name);
        var endpoint = TestEndpoint.Secured(new InMemoryIdempotencyStore());
        var path = AccessMatrix.PathFor(c.Rule, c.Site);
        var request = c.Rule.Method == "GET" ? TestHttp.Get(path) : TestHttp.Post(path, "");
        request.Headers.Authorization = TestTokens.Header(TestTokens.For(c.Role, AccessMatrix.SitesOf(c.Role)));

        // The resource (or the body) belongs to the case's site; the handler checks it as workflows must.
        ApiResponse Handle(CallerContext caller) =>
            c.Rule.Site is SiteScope.Resource or SiteScope.Body
                ? caller.RequireSite(c.Site) ?? ApiResponse.Ok(new { ok = true })
                : ApiResponse.Ok(new { ok = true });

        var result = c.Rule.Method == "GET"
            ? await endpoint.GetAsync(request, (caller, _) => Task.FromResult<IResult>(Handle(caller)), CancellationToken.None)
            : await endpoint.PostAsync(request, (caller, _, _) => Task.FromResult(Handle(caller)), CancellationToken.None);

        var written = await TestHttp.ExecuteAsync(result, request);
        Assert.Equal(AccessMatrix.Expected(c), written.Status);
        if (written.Status != 200)
            Assert.DoesNotContain("ok", written.Body);
    }

    [Fact]
    public async Task EveryProtectedRoute_WithoutToken_Is401WithBearerChallenge()
    {
        foreach (var rule in RouteAccess.Rules.Where(r => !r.Anonymous))
        {
            var request = rule.Method == "GET" ? TestHttp.Get(AccessMatrix.PathFor(rule, "PKUIH")) : TestHttp.Post(AccessMatrix.PathFor(rule, "PKUIH"), "{}");
            var endpoint = TestEndpoint.Secured(new InMemoryIdempotencyStore());
            var ran = false;
            var result = rule.Method == "GET"
                ? await endpoint.GetAsync(request, _ => { ran = true; return Task.FromResult<IResult>(ApiResponse.NoContent()); }, CancellationToken.None)
                : await endpoint.PostAsync(request, (_, _) => { ran = true; return Task.FromResult(ApiResponse.NoContent()); }, CancellationToken.None);
            var written = await TestHttp.ExecuteAsync(result, request);
            Assert.Equal(401, written.Status);
            Assert.Equal("Bearer", written.Headers.WWWAuthenticate.ToString());
            Assert.False(ran, rule.Key);
        }
    }

    [Fact]
    public async Task ValidTokenWithoutRole_Is403()
    {
        var request = TestHttp.Get("/api/audit");
        request.Headers.Authorization = TestTokens.Header(TestTokens.Create(roles: []));
        var result = await TestEndpoint.Secured(new InMemoryIdempotencyStore())
            .GetAsync(request, _ => Task.FromResult<IResult>(ApiResponse.Ok(new { secret = 1 })), CancellationToken.None);
        var written = await TestHttp.ExecuteAsync(result, request);
        Assert.Equal(403, written.Status);
        Assert.Equal("urn:natars:problem:forbidden", written.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ExpiredToken_Is401_WithAnInvalidTokenChallengeThatSaysNoMore()
    {
        var request = TestHttp.Get("/api/audit");
        request.Headers.Authorization = TestTokens.Header(TestTokens.Create(roles: ["auditor"],
            notBefore: DateTimeOffset.UtcNow.AddHours(-2), expires: DateTimeOffset.UtcNow.AddHours(-1)));
        var result = await TestEndpoint.Secured(new InMemoryIdempotencyStore())
            .GetAsync(request, _ => Task.FromResult<IResult>(ApiResponse.NoContent()), CancellationToken.None);
        var written = await TestHttp.ExecuteAsync(result, request);
        Assert.Equal(401, written.Status);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"The token has expired.\"", written.Headers.WWWAuthenticate.ToString());
        Assert.DoesNotContain("IDX", written.Body);
        Assert.DoesNotContain("Exception", written.Body);
    }

    [Fact]
    public async Task RouteWithoutRule_IsDeniedToEveryone()
    {
        var request = TestHttp.Get("/api/not-in-the-map");
        request.Headers.Authorization = TestTokens.Header(TestTokens.Create(roles: ["data_manager", "auditor"]));
        var result = await TestEndpoint.Secured(new InMemoryIdempotencyStore())
            .GetAsync(request, _ => Task.FromResult<IResult>(ApiResponse.NoContent()), CancellationToken.None);
        Assert.Equal(403, (await TestHttp.ExecuteAsync(result, request)).Status);
    }

    [Fact]
    public async Task ResourceRoute_WhoseHandlerForgetsTheSiteCheck_AnswersNoData()
    {
        var request = TestHttp.Get("/api/screenings/scr_1");
        request.Headers.Authorization = TestTokens.Header(TestTokens.For(Role.Coordinator, "PKUIH"));
        var result = await TestEndpoint.Secured(new InMemoryIdempotencyStore())
            .GetAsync(request, _ => Task.FromResult<IResult>(ApiResponse.Ok(new { screening = "of another site" })), CancellationToken.None);
        var written = await TestHttp.ExecuteAsync(result, request);
        Assert.Equal(500, written.Status);
        Assert.DoesNotContain("another site", written.Body);
    }

    [Fact]
    public async Task IdempotencyKeys_AreScopedToTheTokenSubject()
    {
        var store = new InMemoryIdempotencyStore();
        var endpoint = TestEndpoint.Secured(store);
        var calls = 0;
        async Task<int> Post(string subject)
        {
            var request = TestHttp.Post("/api/participants/NATARS-PKUIH-0001/status", "{}", idempotencyKey: "k-1");
            request.Headers.Authorization = TestTokens.Header(TestTokens.Create(roles: ["coordinator"], sites: ["PKUIH"], subject: subject));
            var result = await endpoint.PostAsync(request, (_, _) => { calls++; return Task.FromResult(ApiResponse.Ok(new { n = calls })); },
                CancellationToken.None);
            return (await TestHttp.ExecuteAsync(result, request)).Status;
        }
        await Post("alice");
        await Post("alice");
        await Post("bob");
        Assert.Equal(2, calls);
    }
}
