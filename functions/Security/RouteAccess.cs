namespace RpsServerless.Functions.Security;

/// <summary>Where the site of a request's resource comes from, for the site-scope check.</summary>
public enum SiteScope
{
    /// <summary>Trial-wide (reports, exports, audit): no site check.</summary>
    None,

    /// <summary>The <c>{siteId}</c> route value; checked by <see cref="Http.ApiEndpoint"/> before the handler runs (404 when out of scope).</summary>
    RouteSite,

    /// <summary>The site inside the <c>{participantId}</c> route value; checked by <see cref="Http.ApiEndpoint"/> (404 when out of scope or malformed).</summary>
    Participant,

    /// <summary>
    /// Known only once the resource is loaded (a screening by id): the handler calls
    /// <see cref="CallerContext.RequireSite"/> with the stored site (404 when out of scope).
    /// </summary>
    Resource,

    /// <summary>
    /// The site named in the request body (a new screening): the handler calls <see cref="CallerContext.RequireSite"/>
    /// (403 when out of scope: the caller named the site, so nothing about other sites' ids leaks).
    /// </summary>
    Body,
}

/// <summary>
/// Who may call one route: a permission and where the site comes from, or anonymous (health), or any authenticated
/// caller. <paramref name="Template"/> is the function's route without the <c>api/</c> prefix, exactly as its
/// <c>[HttpTrigger(Route = …)]</c> writes it.
/// </summary>
public sealed record RouteRule(string Method, string Template, Permission? Permission, SiteScope Site = SiteScope.None,
    bool Anonymous = false)
{
    public string Key => Method + " " + Template;

    /// <summary>The route parameter whose value names a site or a participant, for the route-level site checks.</summary>
    public string? SiteParameter => Site switch
    {
        SiteScope.RouteSite => "siteId",
        SiteScope.Participant => "participantId",
        _ => null,
    };

    public override string ToString() => Key;
}

/// <summary>
/// The route → permission map: one declarative table for every HTTP route of api.md (and the audit routes), read by
/// <see cref="Http.ApiEndpoint"/> on every request and iterated by the access-matrix tests. A function whose route is
/// missing here answers 403 to everyone (deny by default), and a test fails for it.
/// </summary>
public static class RouteAccess
{
    /// <summary>The Functions route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string RoutePrefix = "api";

    public static IReadOnlyList<RouteRule> Rules { get; } =
    [
        new("GET", "health", null, Anonymous: true),
        new("GET", "openapi.json", null),

        new("POST", "screenings", Permission.RecordSiteData, SiteScope.Body),
        new("GET", "screenings/{screeningId}", Permission.ReadSiteData, SiteScope.Resource),
        new("GET", "sites/{siteId}/screenings", Permission.ReadSiteData, SiteScope.RouteSite),
        new("POST", "screenings/{screeningId}/allocation", Permission.Allocate, SiteScope.Resource),

        new("GET", "participants/{participantId}", Permission.ReadSiteData, SiteScope.Participant),
        new("GET", "sites/{siteId}/participants", Permission.ReadSiteData, SiteScope.RouteSite),
        new("GET", "participants/{participantId}/schedule", Permission.ReadSiteData, SiteScope.Participant),
        new("POST", "participants/{participantId}/visits/{visitId}", Permission.RecordSiteData, SiteScope.Participant),
        new("GET", "sites/{siteId}/worklist", Permission.ReadSiteData, SiteScope.RouteSite),
        new("GET", "sites/{siteId}/notifications", Permission.ReadSiteData, SiteScope.RouteSite),
        new("GET", "sites/{siteId}/calendar.ics", Permission.ReadSiteData, SiteScope.RouteSite),

        new("POST", "participants/{participantId}/assessments", Permission.RecordSiteData, SiteScope.Participant),
        new("POST", "participants/{participantId}/adverse-events", Permission.RecordSiteData, SiteScope.Participant),
        // Follow-ups, corrections and the sponsor report are the site's own reporting duty (protocol.md §6).
        new("POST", "participants/{participantId}/adverse-events/{adverseEventId}", Permission.RecordSiteData, SiteScope.Participant),
        new("POST", "participants/{participantId}/adverse-events/{adverseEventId}/sponsor-report", Permission.RecordSiteData,
            SiteScope.Participant),
        new("GET", "participants/{participantId}/adverse-events/{adverseEventId}", Permission.ReadSiteData, SiteScope.Participant),
        new("POST", "participants/{participantId}/pathology", Permission.RecordSiteData, SiteScope.Participant),
        new("GET", "participants/{participantId}/pathology", Permission.ReadSiteData, SiteScope.Participant),
        new("POST", "participants/{participantId}/status", Permission.RecordSiteData, SiteScope.Participant),

        // Corrections of site-entered data are made by the site that entered it, never by central staff: ICH E6(R3)
        // and 21 CFR 11.10(e) want the originator's change with a reason, and data managers raise queries rather than
        // edit source-derived data. So RecordSiteData at the participant's site, the reason required by the workflow
        // (400 without), before/after hashed into the audit trail. (Status corrections ride on POST …/status likewise.)
        // Permission.CorrectData guards no route yet; a central-correction route would take it.
        new("POST", "participants/{participantId}/assessments/{assessmentId}/corrections", Permission.RecordSiteData,
            SiteScope.Participant),
        new("POST", "participants/{participantId}/pathology/corrections", Permission.RecordSiteData, SiteScope.Participant),

        new("GET", "reports/consort", Permission.ReadReports),
        new("GET", "reports/consort.svg", Permission.ReadReports),
        new("GET", "reports/survival", Permission.ReadReports),
        new("GET", "reports/survival.svg", Permission.ReadReports),
        new("GET", "reports/safety", Permission.ReadReports),
        new("GET", "reports/enrollment", Permission.ReadReports),
        new("GET", "exports/adtte.csv", Permission.ExportData),
        new("GET", "exports/fhir", Permission.ExportData),

        new("GET", "audit", Permission.ReadAudit),
        new("GET", "audit/export", Permission.ReadAudit),
    ];

    /// <summary>The rule of a function's route template and method, as <c>functions.metadata</c> names them.</summary>
    public static RouteRule? ForTemplate(string method, string template) =>
        Rules.FirstOrDefault(rule => rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase) &&
                                     Normalise(rule.Template) == Normalise(template));

    /// <summary>
    /// The rule matching a request path (<c>/api/sites/PKUIH/worklist</c>) and its route values. Literal segments win
    /// over parameters, so <c>reports/consort.svg</c> never matches a parameter route.
    /// </summary>
    public static (RouteRule Rule, IReadOnlyDictionary<string, string> Values)? Match(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        if (segments.Length == 0 || !segments[0].Equals(RoutePrefix, StringComparison.OrdinalIgnoreCase))
            return null;
        segments = segments[1..];

        (RouteRule Rule, Dictionary<string, string> Values, int Literals)? best = null;
        foreach (var rule in Rules.Where(r => r.Method.Equals(method, StringComparison.OrdinalIgnoreCase)))
        {
            var template = rule.Template.Split('/');
            if (template.Length != segments.Length) continue;
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var literals = 0;
            var matched = true;
            for (var i = 0; i < template.Length && matched; i++)
            {
                var part = template[i];
                if (part.StartsWith('{') && part.EndsWith('}'))
                {
                    var name = part[1..^1].Split(':', '?', '=')[0];
                    var value = Uri.UnescapeDataString(segments[i]);
                    matched = value.Length > 0;
                    values[name] = value;
                }
                else
                {
                    matched = part.Equals(segments[i], StringComparison.OrdinalIgnoreCase);
                    literals++;
                }
            }
            if (matched && (best is null || literals > best.Value.Literals))
                best = (rule, values, literals);
        }
        return best is { } found ? (found.Rule, found.Values) : null;
    }

    private static string Normalise(string template) =>
        string.Join('/', template.Trim('/').Split('/').Select(part =>
            part.StartsWith('{') && part.EndsWith('}') ? "{" + part[1..^1].Split(':', '?', '=')[0].ToLowerInvariant() + "}" : part.ToLowerInvariant()));
}
