using RpsServerless.Functions.Security;

namespace RpsServerless.Functions.Http.OpenApi;

/// <summary>A query-string parameter of an operation.</summary>
public sealed record QueryParameter(string Name, string Description, string Type = "string", string? Format = null,
    IReadOnlyList<string>? Values = null, int? Minimum = null, int? Maximum = null);

/// <summary>The request body of an operation: a component schema, required unless <see cref="Optional"/>.</summary>
public sealed record BodySpec(string Schema, bool Optional = false, string? Description = null);

/// <summary>One success answer: its status, what it means, and its body (a component schema or a media type without one).</summary>
public sealed record SuccessSpec(int Status, string Description, string? Schema, string MediaType = "application/json", bool Location = false);

/// <summary>
/// One operation of the HTTP API as the OpenAPI document describes it. <see cref="Template"/> is the function's
/// route without the <c>api/</c> prefix, exactly as its <c>[HttpTrigger(Route = …)]</c> writes it (and as
/// <see cref="RouteAccess"/> keys it); route parameters come from the template.
/// </summary>
public sealed record ApiOperation(
    string Method,
    string Template,
    string OperationId,
    string Tag,
    string Summary,
    IReadOnlyList<SuccessSpec> Success,
    BodySpec? Body = null,
    IReadOnlyList<QueryParameter>? Query = null,
    IReadOnlyList<int>? Problems = null,
    bool Anonymous = false)
{
    public string Key => Method + " " + Template;

    public IEnumerable<string> RouteParameters =>
        Template.Split('/').Where(part => part.StartsWith('{') && part.EndsWith('}')).Select(part => part[1..^1].Split(':', '?', '=')[0]);

    /// <summary>
    /// The problem-details answers this operation can give: 401/403 for every protected route, 404 where the route names
    /// a resource or site, 400 for a body or query, 409/413/415 for every POST (the body checks and Idempotency-Key),
    /// 503 everywhere (storage), plus what the operation itself adds.
    /// </summary>
    public IReadOnlyList<int> ProblemStatuses()
    {
        var statuses = new SortedSet<int>(Problems ?? []);
        if (!Anonymous) { statuses.Add(401); statuses.Add(403); }
        if (RouteParameters.Any()) statuses.Add(404);
        if (Body is not null || Query is { Count: > 0 } || Method == "POST") statuses.Add(400);
        if (Method == "POST") { statuses.Add(409); statuses.Add(413); statuses.Add(415); }
        statuses.Add(503);
        return statuses.ToList();
    }
}

/// <summary>
/// The one declarative description of the HTTP API (api.md) from which <see cref="OpenApiDocumentBuilder"/> writes
/// <c>GET /api/openapi.json</c>. A test compares it with the functions of <c>functions.metadata</c> both ways (route
/// template and method), so a function added, moved or removed without its entry here fails the build.
/// </summary>
public static class ApiCatalog
{
    private const string Participant = "participants/{participantId}";

    private static readonly QueryParameter ContinuationToken = new("continuationToken",
        "The continuationToken of the previous page, unchanged; absent for the first page.");
    private static readonly QueryParameter PageSize = new("pageSize", "Items per page.", "integer", Minimum: 1, Maximum: Storage.Paging.MaxPageSize);

    private static List<string> Names<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Select(value => Core.Protocol.ContractName.Of(value)).ToList();

    private static SuccessSpec Ok(string schema, string description = "OK.") => new(200, description, schema);

    private static QueryParameter SiteFilter => new("siteId", "Only this site's flow; all sites when absent.");

    private static QueryParameter SurvivalEndpoint =>
        new("endpoint", "The endpoint: progression-free or overall survival.", Values: ["pfs", "os"]);
    private static SuccessSpec Created(string schema, string description) => new(201, description, schema, Location: true);

    public static IReadOnlyList<ApiOperation> Operations { get; } =
    [
        new("GET", "health", "Health", "Operations", "Liveness and reachability of the app's tables and queues (no auth, no data).",
            [Ok(ApiSchemas.HealthReport, "Every dependency is up."), new(503, "A dependency is down (Retry-After set).", ApiSchemas.HealthReport)],
            Anonymous: true),
        new("GET", "openapi.json", "GetOpenApiDocument", "Operations", "This OpenAPI document (any signed-in caller).",
            [new(200, "The OpenAPI 3.1 document.", null)]),

        // Screening and allocation.
        new("POST", "screenings", "SubmitScreening", "Screening", "Submit a screening; eligibility is evaluated against the protocol.",
            [Created(ApiSchemas.ScreeningResult, "Stored and evaluated; Location names the screening.")],
            Body: new(ApiSchemas.ScreeningSubmission)),
        new("GET", "screenings/{screeningId}", "GetScreening", "Screening", "One screening with its evaluation.",
            [Ok(ApiSchemas.ScreeningResult)]),
        new("GET", "sites/{siteId}/screenings", "ListSiteScreenings", "Screening", "The site's screening log, in submission order, paged.",
            [Ok(ApiSchemas.ScreeningLogPage)],
            Query:
            [
                new("outcome", "Only screenings with this outcome.", Values: Names<Core.Screening.EligibilityOutcome>()),
                new("from", "Screened on or after (YYYY-MM-DD).", Format: "date"),
                new("to", "Screened on or before (YYYY-MM-DD).", Format: "date"),
                ContinuationToken, PageSize,
            ]),
        new("POST", "screenings/{screeningId}/allocation", "AllocateScreening", "Allocation",
            "Allocate an arm: 201 the first time, 200 with the same body after. Idempotent per screening even without a key.",
            [Created(ApiSchemas.Allocation, "Allocated; Location names the participant."), Ok(ApiSchemas.Allocation, "Already allocated: the same allocation.")],
            Body: new(ApiSchemas.AllocationRequest, Optional: true,
                "Empty for permuted_blocks and minimisation; { arm, basis, note } for the assigned method.")),

        // Participants and their schedules.
        new("GET", Participant, "GetParticipant", "Participants", "A participant: arm, status and anchors.", [Ok(ApiSchemas.Participant)]),
        new("GET", "sites/{siteId}/participants", "ListSiteParticipants", "Participants", "The site's participants, paged.",
            [Ok(ApiSchemas.ParticipantPage)], Query: [ContinuationToken, PageSize]),
        new("GET", Participant + "/schedule", "GetSchedule", "Schedule", "Visits with windows and statuses, and reminders.",
            [Ok(ApiSchemas.Schedule)]),
        new("POST", Participant + "/visits/{visitId}", "RecordVisit", "Schedule", "Record a visit done (with its data) or missed.",
            [Ok(ApiSchemas.Schedule, "Recorded; the updated schedule.")], Body: new(ApiSchemas.VisitRecording)),
        new("GET", "sites/{siteId}/worklist", "GetWorklist", "Sites", "What the site must do: due, upcoming and overdue visits, open SAE clocks.",
            [Ok(ApiSchemas.Worklist)],
            Query: [new("from", "First day (YYYY-MM-DD); default today at the site.", Format: "date"), new("to", "Last day (YYYY-MM-DD).", Format: "date")]),
        new("GET", "sites/{siteId}/notifications", "GetNotifications", "Sites", "The site's notification inbox, newest first, paged.",
            [Ok(ApiSchemas.Inbox)],
            Query: [new("since", "Only notifications created at or after this instant (ISO 8601 with Z or an offset).", Format: "date-time"), ContinuationToken]),
        new("GET", "sites/{siteId}/calendar.ics", "ExportSiteCalendar", "Sites", "The site's visit windows as an iCalendar feed.",
            [new(200, "An iCalendar (RFC 5545) feed.", null, "text/calendar")]),

        // Outcomes.
        new("POST", Participant + "/assessments", "RecordAssessment", "Outcomes", "Record an imaging disease assessment.",
            [Created(ApiSchemas.AssessmentRecord, "Recorded.")], Body: new(ApiSchemas.DiseaseAssessment)),
        new("POST", Participant + "/assessments/{assessmentId}/corrections", "CorrectAssessment", "Outcomes",
            "Correct an assessment: a new record naming the one it replaces.",
            [Created(ApiSchemas.AssessmentRecord, "The correcting record.")], Body: new(ApiSchemas.AssessmentCorrection)),
        new("POST", Participant + "/adverse-events", "RecordAdverseEvent", "Outcomes",
            "Report an adverse event (201), or update one named in the body (200). A serious event starts the SAE report clock.",
            [Created(ApiSchemas.AdverseEvent, "First report recorded."), Ok(ApiSchemas.AdverseEvent, "Update recorded.")],
            Body: new(ApiSchemas.AdverseEventReport)),
        new("POST", Participant + "/adverse-events/{adverseEventId}", "UpdateAdverseEvent", "Outcomes",
            "A follow-up or a correction of an adverse event: its next version.",
            [Ok(ApiSchemas.AdverseEvent, "The event with its new version.")], Body: new(ApiSchemas.AdverseEventUpdate)),
        new("POST", Participant + "/adverse-events/{adverseEventId}/sponsor-report", "MarkSponsorReportSent", "Outcomes",
            "The SAE report reached the sponsor: the clock closes.",
            [Ok(ApiSchemas.AdverseEvent)], Body: new(ApiSchemas.SponsorReport)),
        new("GET", Participant + "/adverse-events/{adverseEventId}", "GetAdverseEvent", "Outcomes",
            "An adverse event with its versions and SAE clock.", [Ok(ApiSchemas.AdverseEvent)]),
        new("POST", Participant + "/pathology", "RecordFinalPathology", "Outcomes",
            "Record the final pathology report; E02 is judged and may exclude the participant after allocation.",
            [Created(ApiSchemas.FinalPathology, "Recorded."), Ok(ApiSchemas.FinalPathology, "The same report again: unchanged.")],
            Body: new(ApiSchemas.FinalPathologyReport)),
        new("POST", Participant + "/pathology/corrections", "CorrectFinalPathology", "Outcomes", "Correct the final pathology report.",
            [Ok(ApiSchemas.FinalPathology)], Body: new(ApiSchemas.FinalPathologyCorrection)),
        new("GET", Participant + "/pathology", "GetFinalPathology", "Outcomes", "Final pathology reports and the exclusion history.",
            [Ok(ApiSchemas.FinalPathology)]),
        new("POST", Participant + "/status", "RecordStatus", "Outcomes",
            "Record vital status, withdrawal, loss to follow-up or an allocation in error (or correct one).",
            [Created(ApiSchemas.ParticipantStatusRecord, "Recorded."), Ok(ApiSchemas.ParticipantStatusRecord, "The same report again: unchanged.")],
            Body: new(ApiSchemas.ParticipantStatusReport)),

        // Reports of a data cut (every one states the data cut time and the protocol version).
        new("GET", "reports/consort", "ConsortReport", "Reports", "CONSORT flow counts, overall or for one site.",
            [Ok(ApiSchemas.ConsortReport)], Query: [SiteFilter]),
        new("GET", "reports/consort.svg", "ConsortDiagram", "Reports", "The CONSORT 2010 flow diagram.",
            [new(200, "An SVG image.", null, "image/svg+xml")], Query: [SiteFilter]),
        new("GET", "reports/survival", "SurvivalReport", "Reports",
            "Kaplan–Meier per arm with medians, 12- and 36-month landmarks and the log-rank test.",
            [Ok(ApiSchemas.SurvivalReport)], Query: [SurvivalEndpoint]),
        new("GET", "reports/survival.svg", "SurvivalPlot", "Reports", "The Kaplan–Meier plot with numbers at risk.",
            [new(200, "An SVG image.", null, "image/svg+xml")], Query: [SurvivalEndpoint]),
        new("GET", "reports/safety", "SafetyReport", "Reports",
            "Adverse events per arm by worst grade, serious adverse events, tolerance of the neoadjuvant arm.",
            [Ok(ApiSchemas.SafetyReport)]),
        new("GET", "reports/enrollment", "EnrollmentReport", "Reports",
            "Enrollment by site, stratum and arm, with baseline balance (standardized differences).",
            [Ok(ApiSchemas.EnrollmentReport)]),
        new("GET", "exports/adtte.csv", "ExportAdtte", "Exports",
            "The time-to-event analysis dataset (ADaM ADTTE columns), exactly the input of rps survival.",
            [new(200, "CSV with a header row.", null, "text/csv")]),

        // Exports and the audit trail.
        new("GET", "exports/fhir", "ExportFhir", "Exports", "FHIR R4 Bundle of ResearchStudy and ResearchSubject resources.",
            [new(200, "A FHIR R4 Bundle.", null, "application/fhir+json")]),
        new("GET", "audit", "ListAuditRecords", "Audit", "Audit records in sequence order, optionally of one entity.",
            [Ok(ApiSchemas.AuditPage)],
            Query:
            [
                new("entity", "An entity type, optionally with its id: screening or screening/scr_…"),
                new("pageSize", "Records per page.", "integer", Minimum: 1, Maximum: Workflows.Audit.ReadAuditTrail.MaxPageSize),
                new("continuationToken", "The continuationToken of the previous page, unchanged."),
            ]),
        new("GET", "audit/export", "ExportAuditTrail", "Audit",
            "The whole hash chain as JSON Lines: a header line, then one line per record (verify with rps audit verify).",
            [new(200, "JSON Lines (natars-audit-chain/1).", null, "application/jsonl")]),
    ];
}
