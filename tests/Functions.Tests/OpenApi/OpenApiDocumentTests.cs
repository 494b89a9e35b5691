using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using RpsServerless.Core.Outcomes;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Http.OpenApi;
using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Tests.OpenApi;

public class OpenApiDocumentTests
{
    private static readonly Lazy<(Microsoft.OpenApi.OpenApiDocument Document, OpenApiDiagnostic Diagnostic)> Served = new(() =>
    {
        var json = System.Text.Encoding.UTF8.GetString(OpenApiDocumentBuilder.Utf8Json.Span);
        var read = Microsoft.OpenApi.OpenApiDocument.Parse(json, "json", new OpenApiReaderSettings());
        return (read.Document!, read.Diagnostic!);
    });

    /// <summary>(METHOD, route template) of every HTTP function the build wrote into functions.metadata.</summary>
    private static HashSet<string> HttpFunctionsInMetadata()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in document.RootElement.EnumerateArray())
        foreach (var binding in function.GetProperty("bindings").EnumerateArray())
        {
            if (binding.GetProperty("type").GetString() != "httpTrigger") continue;
            var route = binding.GetProperty("route").GetString()!;
            foreach (var method in binding.GetProperty("methods").EnumerateArray())
                routes.Add(method.GetString()!.ToUpperInvariant() + " /" + route);
        }
        return routes;
    }

    private static HashSet<string> DocumentedRoutes() =>
        Served.Value.Document.Paths
            .SelectMany(path => path.Value.Operations!.Keys.Select(method => method.Method.ToUpperInvariant() + " " + path.Key))
            .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void EveryHttpFunction_IsDocumented()
    {
        var missing = HttpFunctionsInMetadata().Except(DocumentedRoutes()).Order().ToList();
        Assert.True(missing.Count == 0, "not in the OpenAPI document: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryDocumentedRoute_IsAFunction()
    {
        var extra = DocumentedRoutes().Except(HttpFunctionsInMetadata()).Order().ToList();
        Assert.True(extra.Count == 0, "documented but no such function: " + string.Join(", ", extra));
    }

    [Fact]
    public void TheServedDocument_ParsesWithoutErrors_AsOpenApi31()
    {
        var (document, diagnostic) = Served.Value;
        Assert.Empty(diagnostic.Errors.Select(e => e.ToString()));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, diagnostic.SpecificationVersion);
        Assert.Equal("/api", Assert.Single(document.Servers!).Url);
    }

    [Fact]
    public void EveryRouteButHealth_NeedsTheBearerScheme_AndHealthNone()
    {
        foreach (var (path, item) in Served.Value.Document.Paths)
        foreach (var (method, operation) in item.Operations!)
        {
            var schemes = (operation.Security ?? []).SelectMany(requirement => requirement.Keys).Select(k => k.Reference.Id).ToList();
            if (path == "/health")
                Assert.Empty(schemes);
            else
                Assert.True(schemes.SequenceEqual([OpenApiDocumentBuilder.SecuritySchemeName]), $"{method} {path} has no bearer requirement");
        }
        var scheme = Assert.IsType<OpenApiSecurityScheme>(Served.Value.Document.Components!.SecuritySchemes![OpenApiDocumentBuilder.SecuritySchemeName]);
        Assert.Equal(SecuritySchemeType.Http, scheme.Type);
        Assert.Equal("bearer", scheme.Scheme);
        Assert.Equal("JWT", scheme.BearerFormat);
    }

    [Fact]
    public void EveryPost_TakesAnIdempotencyKey_AndAnswersTheBodyProblems()
    {
        var posts = Served.Value.Document.Paths.SelectMany(p => p.Value.Operations!.Where(o => o.Key == HttpMethod.Post).Select(o => (p.Key, o.Value))).ToList();
        Assert.NotEmpty(posts);
        foreach (var (path, operation) in posts)
        {
            Assert.Contains(operation.Parameters!, p => p.Name == "Idempotency-Key" && p.In == ParameterLocation.Header);
            foreach (var status in new[] { "400", "401", "403", "409", "413", "415", "503" })
                Assert.True(operation.Responses!.ContainsKey(status), $"POST {path} does not document {status}");
            Assert.Equal("application/problem+json", Assert.Single(operation.Responses!["415"].Content!).Key);
        }
    }

    [Fact]
    public void PagedListings_DocumentTheirContinuationToken()
    {
        foreach (var path in new[] { "/sites/{siteId}/screenings", "/sites/{siteId}/participants", "/sites/{siteId}/notifications", "/audit" })
            Assert.Contains(Served.Value.Document.Paths[path].Operations![HttpMethod.Get].Parameters!,
                p => p.Name == "continuationToken" && p.In == ParameterLocation.Query);
    }

    [Fact]
    public void ScreeningSubmission_DocumentsTheOptionalFnclccComponents_AndItsRequiredFields()
    {
        var submission = Served.Value.Document.Components!.Schemas![ApiSchemas.ScreeningSubmission];
        Assert.Equal(["history", "mdt", "patient", "screenedOn", "siteId", "tumor"], submission.Required!.Order());
        var tumor = submission.Properties!["tumor"];
        Assert.DoesNotContain("fnclccComponents", tumor.Required ?? new HashSet<string>());
        var components = tumor.Properties!["fnclccComponents"];
        Assert.Equal(["differentiation", "mitoses", "necrosis"], components.Properties!.Keys.Order());
        Assert.Equal("2", components.Properties["necrosis"].Maximum);
        Assert.Equal(["DDLPS", "LMS", "UPS", "SFT", "WDLPS", "MLPS", "OTHER"], tumor.Properties["histology"].AnyOf![0].Enum!.Select(v => v.GetValue<string>()));
        Assert.False(submission.AdditionalPropertiesAllowed);
    }

    [Theory]
    [InlineData(ApiSchemas.DiseaseAssessment, nameof(OutcomeBodyParser.AssessmentFields))]
    [InlineData(ApiSchemas.FinalPathologyReport, nameof(OutcomeBodyParser.PathologyFields))]
    [InlineData(ApiSchemas.AdverseEventReport, nameof(OutcomeBodyParser.AdverseEventFields))]
    [InlineData(ApiSchemas.ParticipantStatusReport, nameof(OutcomeBodyParser.StatusFields))]
    public void HandWrittenOutcomeSchemas_HaveExactlyTheParsersFields(string schema, string parserFields)
    {
        var fields = (string[])typeof(OutcomeBodyParser).GetField(parserFields, System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!.GetValue(null)!;
        Assert.Equal(fields.Order(), ApiSchemas.PropertyNames(new Microsoft.OpenApi.OpenApiDocument(), schema).Order());
    }

    [Fact]
    public void AdverseEventUpdate_IsTheReportWithoutItsId()
    {
        Assert.Equal(OutcomeBodyParser.AdverseEventFields.Where(f => f != "adverseEventId").Order(),
            ApiSchemas.PropertyNames(new Microsoft.OpenApi.OpenApiDocument(), ApiSchemas.AdverseEventUpdate).Order());
    }

    [Fact]
    public async Task TheFunction_ServesTheDocument_ToASignedInCaller_AndRefusesAnonymousOnes()
    {
        var function = new ApiDescription(TestEndpoint.Secured(new InMemoryIdempotencyStore()));

        var anonymous = TestHttp.Get("/api/openapi.json");
        Assert.Equal(401, (await TestHttp.ExecuteAsync(await function.Get(anonymous, CancellationToken.None), anonymous)).Status);

        var signedIn = TestHttp.Get("/api/openapi.json");
        signedIn.Headers.Authorization = "Bearer " + TestTokens.For(Role.Statistician);
        var written = await TestHttp.ExecuteAsync(await function.Get(signedIn, CancellationToken.None), signedIn);
        Assert.Equal(200, written.Status);
        Assert.StartsWith("application/json", written.ContentType);
        Assert.StartsWith("3.1", written.Json.GetProperty("openapi").GetString());
    }
}
