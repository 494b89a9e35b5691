using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.OpenApi;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Audit;
using RpsServerless.Functions.Workflows;
using RpsServerless.Functions.Workflows.Outcomes;

namespace RpsServerless.Functions.Http.OpenApi;

/// <summary>
/// The JSON schemas of the OpenAPI document (<c>components.schemas</c>). Bodies that are C# records read or written
/// with <see cref="ApiJson.Options"/> get their schema from the record itself (System.Text.Json's schema exporter with
/// the API's own serializer options), so a renamed or added property changes the document with the code. The outcome
/// request bodies are read by hand-written parsers (<see cref="OutcomeBodyParser"/>); their schemas are written here,
/// and a test holds their property names to the parser's field lists.
/// </summary>
public static class ApiSchemas
{
    public const string ScreeningSubmission = nameof(ScreeningSubmission);
    public const string ScreeningResult = nameof(ScreeningResult);
    public const string ScreeningLogPage = nameof(ScreeningLogPage);
    public const string AllocationRequest = nameof(AllocationRequest);
    public const string Allocation = nameof(Allocation);
    public const string Participant = nameof(Participant);
    public const string ParticipantPage = nameof(ParticipantPage);
    public const string Schedule = nameof(Schedule);
    public const string VisitRecording = nameof(VisitRecording);
    public const string Worklist = nameof(Worklist);
    public const string Inbox = nameof(Inbox);
    public const string DiseaseAssessment = nameof(DiseaseAssessment);
    public const string AssessmentCorrection = nameof(AssessmentCorrection);
    public const string AssessmentRecord = nameof(AssessmentRecord);
    public const string AdverseEventReport = nameof(AdverseEventReport);
    public const string AdverseEventUpdate = nameof(AdverseEventUpdate);
    public const string SponsorReport = nameof(SponsorReport);
    public const string AdverseEvent = nameof(AdverseEvent);
    public const string FinalPathologyReport = nameof(FinalPathologyReport);
    public const string FinalPathologyCorrection = nameof(FinalPathologyCorrection);
    public const string FinalPathology = nameof(FinalPathology);
    public const string ParticipantStatusReport = nameof(ParticipantStatusReport);
    public const string ParticipantStatusRecord = nameof(ParticipantStatusRecord);
    public const string AuditPage = nameof(AuditPage);
    public const string ConsortReport = nameof(ConsortReport);
    public const string SurvivalReport = nameof(SurvivalReport);
    public const string SafetyReport = nameof(SafetyReport);
    public const string EnrollmentReport = nameof(EnrollmentReport);
    public const string HealthReport = nameof(HealthReport);
    public const string Problem = nameof(Problem);

    /// <summary>Schemas taken from the records the API serialises (responses) or deserialises (requests).</summary>
    internal static IReadOnlyDictionary<string, Type> FromRecords { get; } = new Dictionary<string, Type>
    {
        [ScreeningSubmission] = typeof(Core.Screening.ScreeningSubmission),
        [ScreeningResult] = typeof(ScreeningResultBody),
        [ScreeningLogPage] = typeof(PageBody<ScreeningLogEntry>),
        [AllocationRequest] = typeof(AllocationRequestBody),
        [Allocation] = typeof(AllocationBody),
        [Participant] = typeof(ParticipantBody),
        [ParticipantPage] = typeof(PageBody<ParticipantBody>),
        [Schedule] = typeof(ScheduleBody),
        [VisitRecording] = typeof(VisitRecordingRequest),
        [Worklist] = typeof(WorklistBody),
        [Inbox] = typeof(InboxBody),
        [AssessmentRecord] = typeof(AssessmentView),
        [SponsorReport] = typeof(SponsorReportRequest),
        [AdverseEvent] = typeof(AdverseEventView),
        [FinalPathology] = typeof(FinalPathologyView),
        [ParticipantStatusRecord] = typeof(StatusRecordBody),
        [AuditPage] = typeof(Audit.AuditPage),
        [ConsortReport] = typeof(Core.Reports.ConsortFlow),
        [SurvivalReport] = typeof(Core.Reports.SurvivalReport),
        [SafetyReport] = typeof(Workflows.Reports.SafetyReportView),
        [EnrollmentReport] = typeof(Core.Reports.EnrollmentReport),
        [HealthReport] = typeof(Http.HealthReport),
        [Problem] = typeof(ProblemBody),
    };

    /// <summary>Ranges the screening parser enforces (api.md "Enumerations"), which a record type cannot say.</summary>
    private static readonly Dictionary<(Type, string), (int Min, int Max)> Ranges = new()
    {
        [(typeof(Patient), "ageYears")] = (0, 120), // ScreeningSubmissionParser.MaxAgeYears
        [(typeof(Patient), "asaClass")] = (1, 6),
        [(typeof(Tumor), "fnclccGrade")] = (1, 3),
        [(typeof(FnclccComponents), "differentiation")] = (1, 3),
        [(typeof(FnclccComponents), "mitoses")] = (1, 3),
        [(typeof(FnclccComponents), "necrosis")] = (0, 2),
    };

    /// <summary>Every schema of the document, by component name.</summary>
    public static IDictionary<string, IOpenApiSchema> All(OpenApiDocument document)
    {
        var schemas = new SortedDictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var (name, type) in FromRecords)
            schemas[name] = FromRecord(type, document);
        foreach (var (name, schema) in HandWritten(document))
            schemas[name] = schema;
        return schemas;
    }

    // From records ---------------------------------------------------------------------------------------------------

    private static IOpenApiSchema FromRecord(Type type, OpenApiDocument document)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Adjust(context, node),
        };
        var node = ApiJson.Options.GetJsonSchemaAsNode(type, exporter);
        var schema = Convert(node, document);
        if (type == typeof(Core.Screening.ScreeningSubmission) && schema is OpenApiSchema submission)
        {
            // The parser requires the site, the date and the four objects; the screening number is optional (api.md).
            submission.Required = new HashSet<string>(["siteId", "screenedOn", "patient", "tumor", "history", "mdt"]);
            submission.Description = "A screening as the site submits it. A clinical field left null or absent is unknown: " +
                                     "the criteria that need it are 'missing' and the outcome 'incomplete'. Unknown fields are rejected (400).";
        }
        return schema;
    }

    private static JsonNode Adjust(JsonSchemaExporterContext context, JsonNode node)
    {
        var type = context.TypeInfo.Type;
        var nullable = Nullable.GetUnderlyingType(type) is not null || context.PropertyInfo?.IsGetNullable == true;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;

        // UtcInstantConverter is a custom converter the exporter cannot see into.
        if (underlying == typeof(DateTimeOffset))
            return Typed("string", nullable, "date-time", "An instant, ISO 8601 in UTC with Z.");

        // The submission echoed in a screening result is the body as received.
        if (underlying == typeof(JsonElement) && context.PropertyInfo is { Name: "submission" })
            return new JsonObject { ["$ref"] = Reference(ScreeningSubmission) };
        if (underlying == typeof(JsonElement) && context.PropertyInfo is { Name: "data" })
            return new JsonObject
            {
                ["type"] = new JsonArray("object", "null"),
                ["description"] = "Visit data: for a chemotherapy cycle the doses given and any delay reason; for SURGERY " +
                                  "{ \"resection\": \"r0|r1|r2|unresectable\" }; for an assessment visit the assessment. Not allowed for a missed visit.",
            };

        if (context.PropertyInfo is { } property && Ranges.TryGetValue((property.DeclaringType, property.Name), out var range) &&
            node is JsonObject bounded)
        {
            bounded["minimum"] = range.Min;
            bounded["maximum"] = range.Max;
        }
        return node;
    }

    private static JsonObject Typed(string type, bool nullable, string? format = null, string? description = null)
    {
        var node = new JsonObject { ["type"] = nullable ? new JsonArray(type, "null") : type };
        if (format is not null) node["format"] = format;
        if (description is not null) node["description"] = description;
        return node;
    }

    private static string Reference(string name) => "#/components/schemas/" + name;

    /// <summary>A JSON Schema (as the exporter writes it) as an OpenAPI.NET schema.</summary>
    internal static IOpenApiSchema Convert(JsonNode? node, OpenApiDocument document)
    {
        if (node is not JsonObject o)
            return new OpenApiSchema(); // true: any value
        if (o["$ref"]?.GetValue<string>() is { } reference)
            return new OpenApiSchemaReference(reference[(reference.LastIndexOf('/') + 1)..], document);

        var schema = new OpenApiSchema
        {
            Description = o["description"]?.GetValue<string>(),
            Format = o["format"]?.GetValue<string>(),
            Pattern = o["pattern"]?.GetValue<string>(),
        };
        switch (o["type"])
        {
            case JsonArray types:
                schema.Type = OpenApiTypeMapper.ToJsonSchemaType(types.Select(t => t!.GetValue<string>()).ToArray());
                break;
            case JsonValue single:
                schema.Type = OpenApiTypeMapper.ToJsonSchemaType(single.GetValue<string>());
                break;
        }
        if (o["enum"] is JsonArray values)
        {
            schema.Enum = values.Where(v => v is not null).Select(v => v!.DeepClone()).ToList();
            schema.Type = (schema.Type ?? JsonSchemaType.String) & ~JsonSchemaType.Null;
            if (values.Any(v => v is null) || o["type"] is JsonArray)
                return OrNullSchema(schema);
        }
        if (o["minimum"] is JsonValue minimum) schema.Minimum = minimum.ToJsonString();
        if (o["maximum"] is JsonValue maximum) schema.Maximum = maximum.ToJsonString();
        if (o["minLength"] is JsonValue minLength) schema.MinLength = minLength.GetValue<int>();
        if (o["maxLength"] is JsonValue maxLength) schema.MaxLength = maxLength.GetValue<int>();
        if (o["properties"] is JsonObject properties)
            schema.Properties = properties.ToDictionary(p => p.Key, p => Convert(p.Value, document));
        if (o["required"] is JsonArray required)
            schema.Required = new HashSet<string>(required.Select(r => r!.GetValue<string>()));
        if (o["items"] is { } items)
            schema.Items = Convert(items, document);
        switch (o["additionalProperties"])
        {
            case JsonValue allowed when allowed.GetValueKind() == JsonValueKind.False:
                schema.AdditionalPropertiesAllowed = false;
                break;
            case JsonObject additional:
                schema.AdditionalProperties = Convert(additional, document);
                break;
        }
        if (o["anyOf"] is JsonArray anyOf)
            schema.AnyOf = anyOf.Select(s => Convert(s, document)).ToList();
        return schema;
    }

    // Hand-written: the outcome bodies ---------------------------------------------------------------------------------

    private static IEnumerable<(string Name, IOpenApiSchema Schema)> HandWritten(OpenApiDocument document)
    {
        yield return (DiseaseAssessment, Object("An imaging disease assessment.", ["imagingDate", "result"],
            ("imagingDate", Date("The imaging date; between allocation and today.")),
            ("result", Enumeration<AssessmentResult>("no_evidence_of_disease, stable, local_recurrence, distant_metastasis, or progression per RECIST 1.1.")),
            ("modality", Enumeration<ImagingModality>(null, nullable: true)),
            ("comment", Text(DiseaseAssessment_MaxComment, nullable: true))));

        yield return (AssessmentCorrection, Correction("assessment", DiseaseAssessment, document));

        var adverseEvent = AdverseEventProperties();
        yield return (AdverseEventReport, Object(
            "An adverse event (CTCAE v5). Without 'change' it is a first report (201); with 'adverseEventId' and change " +
            "'follow_up' or 'correction' it updates that event (200).",
            ["term", "grade", "onsetDate", "serious", "relatedness", "outcome", "awareAt"], adverseEvent));
        yield return (AdverseEventUpdate, Object(
            "The next version of the adverse event named by the route: change 'follow_up' (new information) or 'correction' " +
            "(with changeReason), and the event's full facts.",
            ["change", "term", "grade", "onsetDate", "serious", "relatedness", "outcome", "awareAt"],
            adverseEvent.Where(p => p.Name != "adverseEventId").ToArray()));

        yield return (FinalPathologyReport, Object("The final pathology report; E02 is judged on it.", ["reportDate", "histology"],
            ("reportDate", Date(null)),
            ("histology", Enumeration<Histology>(null)),
            ("fnclccGrade", Integer(1, 3, nullable: true, "FNCLCC grade; absent when the report does not grade."))));

        yield return (FinalPathologyCorrection, Correction("report", FinalPathologyReport, document));

        yield return (ParticipantStatusReport, Object(
            "A status event. 'alive' takes date; 'died' date and cause; 'withdrawn' date and reasonCode; 'lost_to_follow_up' " +
            "lastKnownAliveOn; 'allocated_in_error' reasonCode (an allocation-error reason). A property of another status is " +
            "a 400. A correction names the record it corrects (correctsRecord) and says why (correctionReason).",
            ["status"],
            ("status", Enumeration<ParticipantStatusKind>(null)),
            ("date", Date(null)),
            ("cause", Enumeration<DeathCause>("For 'died'.")),
            ("reasonCode", new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "For 'withdrawn' a withdrawal reason, for 'allocated_in_error' an allocation-error reason.",
                Enum = Names<WithdrawalReason>().Union(Names<AllocationErrorReason>()).Select(n => (JsonNode)JsonValue.Create(n)).ToList(),
            }),
            ("lastKnownAliveOn", Date("For 'lost_to_follow_up'.")),
            ("correctsRecord", Integer(1, int.MaxValue, nullable: false, "The number of the record this one corrects.")),
            ("correctionReason", Text(OutcomeBodyParser.MaxReasonLength, nullable: false))));
    }

    private const int DiseaseAssessment_MaxComment = Core.Outcomes.DiseaseAssessment.MaxCommentLength;

    private static (string Name, IOpenApiSchema Schema)[] AdverseEventProperties() =>
    [
        ("adverseEventId", Text(OutcomeBodyParser.MaxIdLength, nullable: true, "Only with change 'follow_up' or 'correction'.")),
        ("change", Enumeration<AdverseEventChange>("Absent for a first report.")),
        ("changeReason", Text(OutcomeBodyParser.MaxReasonLength, nullable: true, "Required for a correction.")),
        ("term", Text(OutcomeBodyParser.MaxTermLength, nullable: false, "The CTCAE v5 term.")),
        ("grade", Integer(1, 5, nullable: false, "CTCAE grade 1–5; 5 is fatal (serious, criterion 'death', outcome 'fatal').")),
        ("onsetDate", Date(null)),
        ("resolutionDate", Date(null, nullable: true)),
        ("serious", new OpenApiSchema { Type = JsonSchemaType.Boolean }),
        ("seriousnessCriteria", new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = Enumeration<SeriousnessCriterion>(null),
            Description = "ICH E2A criteria: at least one when serious, none otherwise.",
        }),
        ("relatedness", Object("Causality per treatment; null where the participant was not exposed.", [],
            ("doxorubicin", Enumeration<Causality>(null, nullable: true)),
            ("ifosfamide", Enumeration<Causality>(null, nullable: true)),
            ("anlotinib", Enumeration<Causality>(null, nullable: true)),
            ("surgery", Enumeration<Causality>(null, nullable: true)))),
        ("actionTaken", Enumeration<ActionTaken>(null, nullable: true)),
        ("outcome", Enumeration<AdverseEventOutcome>(null)),
        ("awareAt", Instant("When the site became aware; starts the SAE report clock of a serious event.")),
        ("sponsorReportSentAt", Instant("When the SAE report reached the sponsor (serious events only).", nullable: true)),
    ];

    /// <summary>The property names of a hand-written schema, for the test that holds them to the parser.</summary>
    internal static IReadOnlyList<string> PropertyNames(OpenApiDocument document, string name) =>
        HandWritten(document).Single(s => s.Name == name).Schema.Properties?.Keys.ToList() ?? [];

    private static OpenApiSchema Correction(string recordName, string recordSchema, OpenApiDocument document) =>
        Object($"A correction: why the earlier record was wrong, and the full corrected {recordName}.", ["reason", recordName],
            ("reason", Text(OutcomeBodyParser.MaxReasonLength, nullable: false)),
            (recordName, new OpenApiSchemaReference(recordSchema, document)));

    private static OpenApiSchema Object(string? description, string[] required, params (string Name, IOpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema),
        Required = new HashSet<string>(required),
        AdditionalPropertiesAllowed = false,
    };

    private static OpenApiSchema Date(string? description, bool nullable = false) =>
        new() { Type = OrNull(JsonSchemaType.String, nullable), Format = "date", Description = description };

    private static OpenApiSchema Instant(string? description, bool nullable = false) =>
        new() { Type = OrNull(JsonSchemaType.String, nullable), Format = "date-time", Description = description };

    private static OpenApiSchema Text(int maxLength, bool nullable, string? description = null) =>
        new() { Type = OrNull(JsonSchemaType.String, nullable), MinLength = 1, MaxLength = maxLength, Description = description };

    private static OpenApiSchema Integer(int min, int max, bool nullable, string? description = null) => new()
    {
        Type = OrNull(JsonSchemaType.Integer, nullable),
        Minimum = min.ToString(CultureInfo.InvariantCulture),
        Maximum = max.ToString(CultureInfo.InvariantCulture),
        Description = description,
    };

    private static IOpenApiSchema Enumeration<TEnum>(string? description, bool nullable = false) where TEnum : struct, Enum
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = Names<TEnum>().Select(n => (JsonNode)JsonValue.Create(n)).ToList(),
            Description = description,
        };
        return nullable ? OrNullSchema(schema) : schema;
    }

    /// <summary>
    /// A nullable enumeration as <c>anyOf: [the enum, null]</c>: OpenAPI.NET cannot write a null enum member, and a type
    /// of <c>[string, null]</c> beside an enum without null would still refuse null.
    /// </summary>
    private static OpenApiSchema OrNullSchema(OpenApiSchema schema)
    {
        var description = schema.Description;
        schema.Description = null;
        return new OpenApiSchema { Description = description, AnyOf = [schema, new OpenApiSchema { Type = JsonSchemaType.Null }] };
    }

    private static IEnumerable<string> Names<TEnum>() where TEnum : struct, Enum => Enum.GetValues<TEnum>().Select(v => ContractName.Of(v));

    private static JsonSchemaType OrNull(JsonSchemaType type, bool nullable) => nullable ? type | JsonSchemaType.Null : type;
}
