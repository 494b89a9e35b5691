using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RpsServerless.DevHost;
using RpsServerless.Functions;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;

namespace RpsServerless.Integration.Tests;

/// <summary>Access control over the devhost: every function of functions.metadata, real HTTP, development tokens.</summary>
[Collection(StorageCollection.Name)]
public class SecurityTests(StorageFixture storage)
{
    private static IReadOnlyList<FunctionDescriptor> HttpFunctions() =>
        FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, FunctionCatalog.MetadataFileName), typeof(Composition).Assembly)
            .Where(f => f.Trigger == FunctionTrigger.Http).ToList();

    private static IEnumerable<(FunctionDescriptor Function, string Method, RouteRule Rule)> Protected() =>
        from function in HttpFunctions()
        from method in function.HttpMethods!
        let rule = RouteAccess.ForTemplate(method, function.Route!)
        where rule is { Anonymous: false }
        select (function, method, rule);

    [Fact]
    public void EveryHttpFunctionOfFunctionsMetadata_HasAnAccessRule()
    {
        var missing = HttpFunctions()
            .SelectMany(f => f.HttpMethods!.Select(m => (f.Name, Key: m + " " + f.Route)))
            .Where(x => RouteAccess.ForTemplate(x.Key.Split(' ')[0], x.Key.Split(' ', 2)[1]) is null)
            .Select(x => $"{x.Name} ({x.Key})")
            .ToList();
        Assert.True(missing.Count == 0, "No entry in RouteAccess.Rules for: " + string.Join(", ", missing));
    }

    [Fact]
    public void OnlyHealthIsAnonymous_AndEveryOtherFunctionGoesThroughApiEndpoint()
    {
        foreach (var function in HttpFunctions())
        {
            var anonymous = function.HttpMethods!.All(m => RouteAccess.ForTemplate(m, function.Route!)?.Anonymous == true);
            if (anonymous)
            {
                Assert.Equal("health", function.Route);
                continue;
            }
            var parameters = function.FunctionClass.GetConstructors().Single().GetParameters();
            Assert.True(parameters.Any(p => p.ParameterType == typeof(ApiEndpoint)),
                $"{function.Name} must take ApiEndpoint, which authenticates and authorizes every request");
        }
    }

    [Fact]
    public async Task EveryProtectedFunction_WithoutToken_Is401WithABearerChallenge()
    {
        foreach (var (function, method, rule) in Protected())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), PathFor(rule));
            if (method == "POST") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var response = await storage.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{function.Name}: {response.StatusCode}");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Health_StaysAnonymous()
    {
        using var response = await storage.Http.GetAsync("api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Role.Auditor, HttpStatusCode.OK)]
    [InlineData(Role.DataManager, HttpStatusCode.OK)]
    [InlineData(Role.Coordinator, HttpStatusCode.Forbidden)]
    [InlineData(Role.Investigator, HttpStatusCode.Forbidden)]
    [InlineData(Role.Statistician, HttpStatusCode.Forbidden)]
    public async Task AuditTrail_IsReadByAuditorsAndDataManagersOnly(Role role, HttpStatusCode expected)
    {
        var sites = AccessPolicy.SiteScoped.Contains(role) ? new[] { "PKUIH" } : [];
        using var response = await storage.Http.SendAsync(storage.Request(HttpMethod.Get, "api/audit?pageSize=5", role, sites));
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>
    /// 1,000 requests with bad tokens and odd headers (fixed seed) at every protected function: never a 5xx, never
    /// data — only a problem body, 401 (or 403 for a well-signed token with no role).
    /// </summary>
    [Fact]
    public async Task ThousandRequestsWithBadTokensAndHeaders_NoServerError_NoData()
    {
        var random = new Random(20261129);
        var targets = Protected().ToList();
        Assert.NotEmpty(targets);
        var key = storage.SigningKey;
        var audience = DevelopmentSigningKey.DefaultAudience;
        var now = DateTimeOffset.UtcNow;
        var forged = DevelopmentSigningKey.Create();
        var valid = key.CreateToken(DevelopmentCaller.Of(Role.Auditor), audience, now, TimeSpan.FromMinutes(30));
        var publicKeyBytes = PublicKeyBytes(key);

        string Base64Url(int bytes)
        {
            var buffer = new byte[bytes];
            random.NextBytes(buffer);
            return Base64UrlEncoder.Encode(buffer);
        }

        (string? Authorization, bool MayBe403) Generate(int kind) => kind switch
        {
            0 => (null, false),
            1 => ("Bearer " + Base64Url(random.Next(1, 400)), false),
            2 => ("Bearer " + Base64Url(random.Next(1, 60)) + "." + Base64Url(random.Next(1, 300)) + "." + Base64Url(random.Next(0, 256)), false),
            3 => ("Bearer " + forged.CreateToken(DevelopmentCaller.Of(Role.Auditor), audience, now, TimeSpan.FromHours(1)), false),
            4 => ("Bearer " + AlgNone(), false),
            5 => ("Bearer " + Hmac(publicKeyBytes, audience), false),
            6 => ("Bearer " + key.CreateToken(DevelopmentCaller.Of(Role.Auditor), audience, now.AddHours(-3), TimeSpan.FromHours(1)), false),
            7 => ("Bearer " + key.CreateToken(DevelopmentCaller.Of(Role.Auditor), "api://someone-else", now, TimeSpan.FromHours(1)), false),
            8 => ("Bearer " + Mutate(valid), false),
            9 => ("Bearer " + valid[..random.Next(1, valid.Length - 1)], false),
            10 => ("Bearer " + key.CreateToken(DevelopmentCaller.Of(Role.Auditor), audience, now.AddHours(1), TimeSpan.FromHours(1)), false),
            11 => ("Bearer " + key.CreateToken(new DevelopmentCaller([], []), audience, now, TimeSpan.FromHours(1)), true),
            12 => (new[] { "Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer    ", "bearer", "Token " + valid, "Bearer " + valid + " extra", "Negotiate abc" }[random.Next(7)], false),
            13 => ("Bearer " + new string('A', random.Next(8_000, 16_000)) + ".x.y", false),
            _ => (new string(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)random.Next(0x21, 0x7f)).ToArray()), false),
        };

        string Mutate(string token)
        {
            var chars = token.ToCharArray();
            // Not the last character: its low bits may be padding, and flipping them would change nothing.
            var i = token.LastIndexOf('.') + 1 + random.Next(token.Length - token.LastIndexOf('.') - 2);
            chars[i] = chars[i] == 'A' ? 'B' : 'A';
            return new string(chars);
        }

        var failures = new List<string>();
        for (var n = 0; n < 1000; n++)
        {
            var (function, method, rule) = targets[random.Next(targets.Count)];
            var kind = random.Next(15);
            var (authorization, mayBe403) = Generate(kind);
            using var request = new HttpRequestMessage(new HttpMethod(method), PathFor(rule));
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            // Headers that other hosts trust and this app must not: Easy Auth principals, forwarded users.
            if (random.Next(3) == 0)
            {
                request.Headers.TryAddWithoutValidation("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001");
                request.Headers.TryAddWithoutValidation("X-MS-CLIENT-PRINCIPAL",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"claims":[{"typ":"roles","val":"auditor"}]}""")));
                request.Headers.TryAddWithoutValidation("X-Forwarded-User", "auditor");
            }
            if (method == "POST") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");

            using var response = await storage.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            // A rule without a permission (GET openapi.json) admits any signed-in caller, with or without a role.
            if (kind == 11 && rule.Permission is null && status == 200)
                continue;
            if (status >= 500 || !(status == 401 || (mayBe403 && status == 403)))
                failures.Add($"#{n} {function.Name}: {status}");
            else if (!IsProblemOnly(body))
                failures.Add($"#{n} {function.Name}: body is not a bare problem: {body[..Math.Min(body.Length, 120)]}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private static bool IsProblemOnly(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateObject().All(p => p.Name is "type" or "title" or "status" or "detail" or "traceId");
    }

    internal static string PathFor(RouteRule rule) =>
        "api/" + rule.Template.Replace("{siteId}", "PKUIH", StringComparison.Ordinal)
            .Replace("{participantId}", "NATARS-PKUIH-0001", StringComparison.Ordinal)
            .Replace("{screeningId}", "scr_fuzz", StringComparison.Ordinal)
            .Replace("{visitId}", "C1D1", StringComparison.Ordinal);

    private static byte[] PublicKeyBytes(DevelopmentSigningKey key)
    {
        using var rsa = RSA.Create(((RsaSecurityKey)key.PublicKey).Parameters);
        return rsa.ExportSubjectPublicKeyInfo();
    }

    private static string AlgNone()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(
            $$"""{"iss":"{{DevelopmentSigningKey.Issuer}}","aud":"{{DevelopmentSigningKey.DefaultAudience}}","oid":"x","roles":["auditor"],"nbf":{{now - 60}},"exp":{{now + 3600}}}""") + ".";
    }

    private static string Hmac(byte[] secret, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = DevelopmentSigningKey.Issuer,
        Audience = audience,
        Claims = new Dictionary<string, object> { ["oid"] = "x", ["roles"] = new[] { "auditor" } },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(secret), SecurityAlgorithms.HmacSha256),
    });
}
