using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using RpsServerless.DevHost;
using RpsServerless.Functions;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Integration.Tests;

/// <summary>
/// The whole role × route × site matrix over the devhost and Azurite: every route of <see cref="RouteAccess.Rules"/>
/// that a function of functions.metadata serves × no token and every role × the caller's own site (PKUIH) and
/// another (BFH), against real screenings, participants, adverse events and pathology of both sites. The answer must
/// be what the policy says: 401, 403, 404 (another site's resource, with the very body an unknown id gets), or the
/// handler's own answer — 2xx, or 400 for the deliberately empty bodies of recording routes (nothing is changed).
/// </summary>
[Collection(StorageCollection.Name)]
public class AccessMatrixEndToEndTests(StorageFixture storage)
{
    private const string Own = "PKUIH";
    private const string Other = "BFH";

    /// <summary>Real resources of one site, made by that site's coordinator.</summary>
    private sealed record SiteData(string Site, string ScreeningId, string ParticipantId, string AdverseEventId);

    private sealed record Answer(HttpStatusCode Status, string Body);

    private enum Outcome { Unauthorized, Forbidden, NotFound, Admitted }

    private static IReadOnlyList<RouteRule> ServedRules()
    {
        var functions = FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, FunctionCatalog.MetadataFileName), typeof(Composition).Assembly)
            .Where(f => f.Trigger == FunctionTrigger.Http).ToList();
        return RouteAccess.Rules
            .Where(rule => !rule.Anonymous && functions.Any(f => f.HttpMethods!.Any(m => RouteAccess.ForTemplate(m, f.Route!) == rule)))
            .ToList();
    }

    private static string[] SitesOf(Role role) => AccessPolicy.SiteScoped.Contains(role) ? [Own] : [];

    /// <summary>What the policy says: the docs/security.md table, and the site rules of <see cref="SiteScope"/>.</summary>
    private static Outcome Expected(RouteRule rule, Role? role, bool ownSite)
    {
        if (role is not { } r) return Outcome.Unauthorized;
        if (rule.Permission is not { } permission) return Outcome.Admitted;
        if (!AccessPolicy.Grants[r].Contains(permission)) return Outcome.Forbidden;
        if (rule.Site == SiteScope.None || ownSite || !AccessPolicy.SiteScoped.Contains(r)) return Outcome.Admitted;
        return rule.Site == SiteScope.Body ? Outcome.Forbidden : Outcome.NotFound;
    }

    private static string PathFor(RouteRule rule, SiteData data) =>
        "api/" + rule.Template
            .Replace("{siteId}", data.Site, StringComparison.Ordinal)
            .Replace("{participantId}", data.ParticipantId, StringComparison.Ordinal)
            .Replace("{screeningId}", data.ScreeningId, StringComparison.Ordinal)
            .Replace("{adverseEventId}", data.AdverseEventId, StringComparison.Ordinal)
            .Replace("{assessmentId}", "asm_none", StringComparison.Ordinal)
            .Replace("{visitId}", "C1D1", StringComparison.Ordinal)
        // The survival report needs its endpoint: without it an admitted caller gets 400, which would hide nothing but
        // would not show that the report itself was served.
        + (rule.Template.StartsWith("reports/survival", StringComparison.Ordinal) ? "?endpoint=pfs" : "");

    /// <summary>
    /// The body of a POST: a valid screening at the case's site (the site check needs a site to judge), an empty body
    /// for the allocation (allocated already: the answer repeats it), and <c>{}</c> everywhere else — a request that
    /// passes access control is then refused by the workflow's validation and changes nothing.
    /// </summary>
    private static string? BodyFor(RouteRule rule, SiteData data) => rule.Template switch
    {
        "screenings" => AllocationApi.Submission(data.Site),
        "screenings/{screeningId}/allocation" => null,
        _ => "{}",
    };

    private async Task<Answer> SendAsync(HttpMethod method, string path, Role? role, string? body = null, params string[] sites)
    {
        using var request = role is { } r ? storage.Request(method, path, r, sites) : new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await storage.Http.SendAsync(request);
        return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<SiteData> CreateSiteDataAsync(string site)
    {
        var submitted = await SendAsync(HttpMethod.Post, "api/screenings", Role.Coordinator, AllocationApi.Submission(site), site);
        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        var screeningId = JsonDocument.Parse(submitted.Body).RootElement.GetProperty("screeningId").GetString()!;
        var allocated = await SendAsync(HttpMethod.Post, $"api/screenings/{screeningId}/allocation", Role.Coordinator, null, site);
        Assert.Equal(HttpStatusCode.Created, allocated.Status);
        var participantId = JsonDocument.Parse(allocated.Body).RootElement.GetProperty("participantId").GetString()!;

        var participant = await SendAsync(HttpMethod.Get, $"api/participants/{participantId}", Role.Coordinator, null, site);
        Assert.Equal(HttpStatusCode.OK, participant.Status);
        var allocatedOn = JsonDocument.Parse(participant.Body).RootElement.GetProperty("allocatedOn").GetString()!;
        var awareAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var ae = await SendAsync(HttpMethod.Post, $"api/participants/{participantId}/adverse-events", Role.Coordinator, $$"""
            { "term": "Nausea", "grade": 1, "onsetDate": "{{allocatedOn}}", "serious": false, "seriousnessCriteria": [],
              "relatedness": { "doxorubicin": "possible", "ifosfamide": "possible", "anlotinib": "not_related", "surgery": null },
              "outcome": "recovering", "awareAt": "{{awareAt}}" }
            """, site);
        Assert.True(ae.Status == HttpStatusCode.Created, ae.Body);
        var adverseEventId = JsonDocument.Parse(ae.Body).RootElement.GetProperty("adverseEventId").GetString()!;
        var pathology = await SendAsync(HttpMethod.Post, $"api/participants/{participantId}/pathology", Role.Coordinator,
            $$"""{ "reportDate": "{{allocatedOn}}", "histology": "DDLPS", "fnclccGrade": 3 }""", site);
        Assert.True(pathology.Status == HttpStatusCode.Created, pathology.Body);
        return new SiteData(site, screeningId, participantId, adverseEventId);
    }

    [Fact]
    public async Task EveryRoute_NoTokenAndEveryRole_OwnAndOtherSite_AnswersAsThePolicySays()
    {
        var own = await CreateSiteDataAsync(Own);
        var other = await CreateSiteDataAsync(Other);
        var rules = ServedRules();
        // Every rule of the table has its function here, except the routes whose functions other branches add
        // (reports, the ADTTE export, OpenAPI): once merged, they join the matrix by themselves.
        var unserved = RouteAccess.Rules.Where(r => !r.Anonymous).Except(rules).Select(r => r.Template).ToList();
        Assert.All(unserved, template => Assert.True(template.StartsWith("reports/", StringComparison.Ordinal) ||
                                                     template is "exports/adtte.csv" or "openapi.json", template));

        var cases = (from rule in rules
                     from role in Enum.GetValues<Role>().Select(r => (Role?)r).Prepend(null)
                     from ownSite in new[] { true, false }
                     select (Rule: rule, Role: role, OwnSite: ownSite)).ToList();
        using var gate = new SemaphoreSlim(8);
        var results = await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                var data = c.OwnSite ? own : other;
                var answer = await SendAsync(new HttpMethod(c.Rule.Method), PathFor(c.Rule, data), c.Role, c.Rule.Method == "POST" ? BodyFor(c.Rule, data) : null,
                    c.Role is { } r ? SitesOf(r) : []);
                return (Case: c, Answer: answer);
            }
            finally
            {
                gate.Release();
            }
        }));

        var failures = new List<string>();
        foreach (var (c, answer) in results)
        {
            var expected = Expected(c.Rule, c.Role, c.OwnSite);
            var status = (int)answer.Status;
            var ok = expected switch
            {
                Outcome.Unauthorized => status == 401,
                Outcome.Forbidden => status == 403,
                Outcome.NotFound => status == 404 && SameAsUnknown(answer.Body),
                _ => c.Rule.Method == "GET" ? status == 200 : status is 200 or 201 or 400,
            };
            if (!ok)
                failures.Add($"{c.Rule.Key} as {c.Role?.ClaimValue() ?? "no token"} at {(c.OwnSite ? "own" : "other")} site: " +
                             $"expected {expected}, got {status} {answer.Body[..Math.Min(answer.Body.Length, 160)]}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Length} cases:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// A coordinator asking for another site's participant, screening, schedule, worklist, inbox, calendar or
    /// allocation gets exactly the answer an unknown id or site gets (bar the trace id): nothing tells them apart.
    /// </summary>
    [Fact]
    public async Task AnotherSitesResource_IsIndistinguishableFromAnUnknownOne()
    {
        var other = await CreateSiteDataAsync(Other);
        var unknownScreening = ScreeningIds.Format("01JF4Q8M3ZK2V7R9T6W8Y0A1BC", Own);
        var pairs = new (string Other, string Unknown)[]
        {
            ($"api/participants/{other.ParticipantId}", $"api/participants/NATARS-{Own}-9999"),
            ($"api/participants/{other.ParticipantId}/schedule", $"api/participants/NATARS-{Own}-9999/schedule"),
            ($"api/participants/{other.ParticipantId}/adverse-events/{other.AdverseEventId}", $"api/participants/NATARS-{Own}-9999/adverse-events/{other.AdverseEventId}"),
            ($"api/participants/{other.ParticipantId}/pathology", $"api/participants/NATARS-{Own}-9999/pathology"),
            ($"api/screenings/{other.ScreeningId}", $"api/screenings/{unknownScreening}"),
        };
        foreach (var (otherPath, unknownPath) in pairs)
        {
            var theirs = await SendAsync(HttpMethod.Get, otherPath, Role.Coordinator, null, Own);
            var unknown = await SendAsync(HttpMethod.Get, unknownPath, Role.Coordinator, null, Own);
            Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
            Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
            Assert.Equal(WithoutTraceId(unknown.Body), WithoutTraceId(theirs.Body));
        }

        var allocateTheirs = await SendAsync(HttpMethod.Post, $"api/screenings/{other.ScreeningId}/allocation", Role.Coordinator, null, Own);
        var allocateUnknown = await SendAsync(HttpMethod.Post, $"api/screenings/{unknownScreening}/allocation", Role.Coordinator, null, Own);
        Assert.Equal(HttpStatusCode.NotFound, allocateTheirs.Status);
        Assert.Equal(WithoutTraceId(allocateUnknown.Body), WithoutTraceId(allocateTheirs.Body));

        // Site routes: another site (refused by access control) and a site that does not exist (refused by the
        // workflow, asked by a data manager, who may read every site) give the same body.
        foreach (var route in new[] { "worklist", "notifications", "calendar.ics", "participants", "screenings" })
        {
            var theirs = await SendAsync(HttpMethod.Get, $"api/sites/{Other}/{route}", Role.Coordinator, null, Own);
            var unknown = await SendAsync(HttpMethod.Get, $"api/sites/NOWHERE/{route}", Role.DataManager);
            Assert.Equal(HttpStatusCode.NotFound, theirs.Status);
            Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
            Assert.Equal(WithoutTraceId(unknown.Body), WithoutTraceId(theirs.Body));
        }
    }

    /// <summary>Each change and each export download writes its audit record, once per event.</summary>
    [Fact]
    public async Task Changes_Allocations_AndExports_AreAudited_Once()
    {
        var data = await CreateSiteDataAsync(Own);
        var trail = storage.DevHost.Services.GetRequiredService<IAuditTrail>();
        async Task<List<string>> ActionsOf(string type, string id) =>
            (await trail.ListAsync(new AuditQuery(type, id, 0, 100), CancellationToken.None)).Records.Select(r => r.Action).ToList();

        // The allocation again (a retry): answered 200 with the same allocation, and still one audit record.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"api/screenings/{data.ScreeningId}/allocation", Role.Coordinator, null, Own)).Status);
        Assert.Equal([AuditActions.ScreeningCreated, AuditActions.AllocationCreated], await ActionsOf("screening", data.ScreeningId));
        Assert.Equal([AuditActions.AdverseEventRecorded], await ActionsOf("adverse_event", data.AdverseEventId));
        Assert.Equal([AuditActions.PathologyRecorded], await ActionsOf("pathology", $"{data.ParticipantId}/report/1"));

        var allocation = (await trail.ListAsync(new AuditQuery("screening", data.ScreeningId, 0, 100), CancellationToken.None)).Records[1];
        Assert.Equal(Own, allocation.SiteId);
        Assert.Equal("coordinator", allocation.ActorRole);
        Assert.NotNull(allocation.AfterHash);

        var before = (await ActionsOf("export", "fhir")).Count;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "api/exports/fhir", Role.Statistician)).Status);
        Assert.Equal(before + 1, (await ActionsOf("export", "fhir")).Count);
    }

    /// <summary>
    /// Statisticians get analysis datasets and aggregates, no identifiers beyond study ids: the FHIR export names
    /// participants by participant id only — no screening id or screening number, no site free text (AE terms,
    /// reasons) — and every site route is closed to them.
    /// </summary>
    [Fact]
    public async Task Statistician_FhirExport_CarriesStudyIdsOnly_AndNoSiteRouteIsOpen()
    {
        var data = await CreateSiteDataAsync(Own);
        var export = await SendAsync(HttpMethod.Get, "api/exports/fhir", Role.Statistician);
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Contains(data.ParticipantId, export.Body);
        Assert.DoesNotContain(data.ScreeningId, export.Body);
        Assert.DoesNotContain("scr_", export.Body);
        Assert.DoesNotContain("PKUIH-S-0042", export.Body); // the site's screening number of every submission here
        Assert.DoesNotContain("Nausea", export.Body);        // an adverse-event term: free text of the site
        Assert.DoesNotContain(data.AdverseEventId, export.Body);

        Assert.All(RouteAccess.Rules.Where(r => r.Site != SiteScope.None), rule =>
            Assert.False(rule.Permission is { } p && AccessPolicy.Grants[Role.Statistician].Contains(p), rule.Key));
    }

    private static bool SameAsUnknown(string body) =>
        WithoutTraceId(body) == """{"type":"urn:natars:problem:not-found","title":"Not found.","status":404,"detail":"No such resource."}""";

    private static string WithoutTraceId(string body)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}
