using System.Text;
using System.Text.Json;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Outcomes;

/// <summary>
/// Reads the outcome request bodies of api.md (assessments, surgery details, adverse events, final pathology,
/// participant status) from JSON and checks their shape: types, ranges, enumeration values, dates, required fields,
/// the rules that hold within one body, and unknown properties anywhere. Every error is collected with its field
/// path; nothing throws on any input. Checks against what is already recorded come after, with the state
/// (<see cref="ParticipantStatusHistory.Check"/>, <see cref="AdverseEventHistory.Append"/>).
/// </summary>
public static class OutcomeBodyParser
{
    public const int MaxTermLength = 100;
    public const int MaxReasonLength = 500;
    public const int MaxIdLength = 100;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    internal static readonly string[] AssessmentFields = ["imagingDate", "result", "modality", "comment"];
    internal static readonly string[] SurgeryFields = ["date", "resection"];
    internal static readonly string[] SurgeryVisitDataFields = ["resection"];
    internal static readonly string[] PathologyFields = ["reportDate", "histology", "fnclccGrade"];
    internal static readonly string[] AdverseEventFields =
    [
        "adverseEventId", "change", "changeReason", "term", "grade", "onsetDate", "resolutionDate", "serious",
        "seriousnessCriteria", "relatedness", "actionTaken", "outcome", "awareAt", "sponsorReportSentAt",
    ];
    internal static readonly string[] RelatednessFields = ["doxorubicin", "ifosfamide", "anlotinib", "surgery"];
    internal static readonly string[] StatusFields = ["status", "date", "cause", "reasonCode", "lastKnownAliveOn", "correctsRecord", "correctionReason"];

    // Assessment -----------------------------------------------------------------------------------------------------

    public static OutcomeParseResult<DiseaseAssessment> Assessment(string json) => Parse(json, ReadAssessment);

    public static OutcomeParseResult<DiseaseAssessment> Assessment(ReadOnlyMemory<byte> utf8Json) => Parse(utf8Json, ReadAssessment);

    private static DiseaseAssessment? ReadAssessment(BodyReader reader, JsonElement body)
    {
        if (reader.Object(body, "", "a disease assessment", AssessmentFields) is not { } f) return null;
        var date = reader.Date(f, "imagingDate", required: true);
        var result = reader.Enumeration<AssessmentResult>(f, "result", required: true);
        var modality = reader.Enumeration<ImagingModality>(f, "modality", required: false);
        var comment = reader.ShortText(f, "comment", required: false, DiseaseAssessment.MaxCommentLength);
        return date is { } d && result is { } r ? new DiseaseAssessment(d, r, modality, comment) : null;
    }

    // Surgery --------------------------------------------------------------------------------------------------------

    /// <summary>A standalone surgery record: <c>{ "date": "2027-01-20", "resection": "r0" }</c>.</summary>
    public static OutcomeParseResult<SurgeryDetails> Surgery(string json) => Parse(json, ReadSurgery);

    /// <summary>
    /// The <c>data</c> object of <c>POST …/visits/SURGERY</c> (api.md): <c>{ "resection": "r0" }</c>; the surgery
    /// date is the visit's <c>date</c>. Error paths start with <paramref name="at"/>.
    /// </summary>
    public static OutcomeParseResult<SurgeryDetails> SurgeryVisitData(JsonElement data, DateOnly visitDate, string at = "data")
    {
        var reader = new BodyReader();
        SurgeryDetails? surgery = null;
        if (reader.Object(data, at, "the surgery details", SurgeryVisitDataFields) is { } f
            && reader.Enumeration<Resection>(f, "resection", required: true) is { } resection)
            surgery = new SurgeryDetails(visitDate, resection);
        return new OutcomeParseResult<SurgeryDetails>(surgery, reader.Errors);
    }

    private static SurgeryDetails? ReadSurgery(BodyReader reader, JsonElement body)
    {
        if (reader.Object(body, "", "the surgery details", SurgeryFields) is not { } f) return null;
        var date = reader.Date(f, "date", required: true);
        var resection = reader.Enumeration<Resection>(f, "resection", required: true);
        return date is { } d && resection is { } r ? new SurgeryDetails(d, r) : null;
    }

    // Final pathology ------------------------------------------------------------------------------------------------

    public static OutcomeParseResult<FinalPathology> Pathology(string json, ProtocolDefinition protocol) =>
        Parse(json, (reader, body) => ReadPathology(reader, body, protocol));

    public static OutcomeParseResult<FinalPathology> Pathology(ReadOnlyMemory<byte> utf8Json, ProtocolDefinition protocol) =>
        Parse(utf8Json, (reader, body) => ReadPathology(reader, body, protocol));

    private static FinalPathology? ReadPathology(BodyReader reader, JsonElement body, ProtocolDefinition protocol)
    {
        if (reader.Object(body, "", "a final pathology report", PathologyFields) is not { } f) return null;
        var grades = protocol.Fnclcc.Grades;
        var date = reader.Date(f, "reportDate", required: true);
        var histology = reader.Enumeration<Histology>(f, "histology", required: true);
        // The grade may be absent (not every report grades); the E02 judgement is then "missing" where it decides.
        var grade = reader.WholeNumber(f, "fnclccGrade", required: false, grades[0].Grade, grades[^1].Grade);
        if (f.Has("fnclccGrade") && grade is null) return null;
        return date is { } d && histology is { } h ? new FinalPathology(d, h, grade) : null;
    }

    // Adverse event --------------------------------------------------------------------------------------------------

    public static OutcomeParseResult<AdverseEventReport> AdverseEvent(string json) => Parse(json, ReadAdverseEvent);

    public static OutcomeParseResult<AdverseEventReport> AdverseEvent(ReadOnlyMemory<byte> utf8Json) => Parse(utf8Json, ReadAdverseEvent);

    private static AdverseEventReport? ReadAdverseEvent(BodyReader reader, JsonElement body)
    {
        if (reader.Object(body, "", "an adverse event report", AdverseEventFields) is not { } f) return null;
        var errorsBefore = reader.Errors.Count;
        var id = reader.ShortText(f, "adverseEventId", required: false, MaxIdLength);
        // Without "change" the body is a first report, the common case.
        var change = f.Has("change") ? reader.Enumeration<AdverseEventChange>(f, "change", required: true) : AdverseEventChange.Initial;
        var changeReason = reader.ShortText(f, "changeReason", required: false, MaxReasonLength);
        var term = reader.ShortText(f, "term", required: true, MaxTermLength);
        var grade = reader.WholeNumber(f, "grade", required: true, CtcaeGrade.Mild, CtcaeGrade.Fatal);
        var onset = reader.Date(f, "onsetDate", required: true);
        var resolution = reader.Date(f, "resolutionDate", required: false);
        var serious = reader.Boolean(f, "serious", required: true);
        var criteria = reader.EnumerationList<SeriousnessCriterion>(f, "seriousnessCriteria");
        var relatedness = ReadRelatedness(reader, f);
        var action = reader.Enumeration<ActionTaken>(f, "actionTaken", required: false);
        var outcome = reader.Enumeration<AdverseEventOutcome>(f, "outcome", required: true);
        var awareAt = reader.Instant(f, "awareAt", required: true);
        var sentAt = reader.Instant(f, "sponsorReportSentAt", required: false);

        switch (change)
        {
            case AdverseEventChange.Initial when id is not null:
                reader.Error("adverseEventId", "A first report has no adverseEventId: send change 'follow_up' or 'correction' to update an event.");
                break;
            case AdverseEventChange.FollowUp or AdverseEventChange.Correction when id is null && !f.Has("adverseEventId"):
                reader.Error("adverseEventId", "Required for a follow-up or a correction: the id of the event it updates.");
                break;
        }
        if (change == AdverseEventChange.Correction && changeReason is null && !f.Has("changeReason"))
            reader.Error("changeReason", "Required for a correction: say why the earlier data were wrong.");

        if (onset is { } start && resolution is { } end && end < start)
            reader.Error("resolutionDate", $"{BodyReader.Iso(end)} is before the onset date {BodyReader.Iso(start)}.");

        // ICH E2A: a serious event meets at least one criterion, and a criterion is what makes it serious.
        if (serious == true && criteria is { Count: 0 })
            reader.Error("seriousnessCriteria", "A serious event needs at least one ICH E2A criterion.");
        if (serious == false && criteria is { Count: > 0 })
            reader.Error("seriousnessCriteria", "A non-serious event has no seriousness criteria: set serious to true or remove them.");

        // CTCAE grade 5 is death related to the AE, which is the ICH E2A criterion "results in death" and outcome
        // "fatal". The three must agree. They are checked, not filled in, so the record says what the site's SAE
        // form says and a mismatch is queried rather than silently repaired.
        var death = criteria?.Contains(SeriousnessCriterion.Death) == true;
        if (grade == CtcaeGrade.Fatal)
        {
            if (serious == false) reader.Error("serious", "A grade 5 (fatal) event is serious: set serious to true with the criterion 'death'.");
            else if (criteria is not null && !death) reader.Error("seriousnessCriteria", "A grade 5 (fatal) event meets the criterion 'death'.");
            if (outcome is { } o && o != AdverseEventOutcome.Fatal) reader.Error("outcome", "A grade 5 event's outcome is 'fatal'.");
        }
        else if (grade is not null)
        {
            if (death) reader.Error("grade", "An event that resulted in death is CTCAE grade 5.");
            if (outcome == AdverseEventOutcome.Fatal) reader.Error("grade", "An event with outcome 'fatal' is CTCAE grade 5.");
        }
        if (resolution is not null && outcome is AdverseEventOutcome.Recovering or AdverseEventOutcome.NotRecovered)
            reader.Error("resolutionDate", $"An event with outcome '{ContractEnum<AdverseEventOutcome>.Name(outcome.Value)}' has no resolution date yet.");

        // The site cannot know of an event before it began. The onset is a local calendar date and the awareness a
        // UTC instant, so the earliest instant of the onset date anywhere (UTC+14) is the bound.
        if (onset is { } onsetDate && awareAt is { } aware && aware < new DateTimeOffset(onsetDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-14))
            reader.Error("awareAt", $"{BodyReader.Iso(aware)} is before the onset date {BodyReader.Iso(onsetDate)}.");
        if (sentAt is { } sent)
        {
            if (serious == false) reader.Error("sponsorReportSentAt", "Only a serious event is reported to the sponsor within the SAE clock.");
            if (awareAt is { } a && sent < a) reader.Error("sponsorReportSentAt", $"{BodyReader.Iso(sent)} is before the site became aware ({BodyReader.Iso(a)}).");
        }

        if (reader.Errors.Count > errorsBefore || term is null || grade is null || onset is null || serious is null
            || criteria is null || relatedness is null || outcome is null || awareAt is null || change is null)
            return null;
        var facts = new AdverseEventFacts(term, grade.Value, onset.Value, resolution, serious.Value, criteria, relatedness,
            action, outcome.Value, awareAt.Value, sentAt);
        return new AdverseEventReport(id, change.Value, changeReason, facts);
    }

    private static Relatedness? ReadRelatedness(BodyReader reader, BodyReader.Fields f)
    {
        // Required as an object so the site states causality for each treatment; a null member means not exposed.
        if (reader.NestedObject(f, "relatedness", required: true, "causality per treatment", RelatednessFields) is not { } r) return null;
        var before = reader.Errors.Count;
        var relatedness = new Relatedness(
            reader.Enumeration<Causality>(r, "doxorubicin", required: false),
            reader.Enumeration<Causality>(r, "ifosfamide", required: false),
            reader.Enumeration<Causality>(r, "anlotinib", required: false),
            reader.Enumeration<Causality>(r, "surgery", required: false));
        return reader.Errors.Count > before ? null : relatedness;
    }

    // Participant status ---------------------------------------------------------------------------------------------

    public static OutcomeParseResult<ParticipantStatusReport> Status(string json) => Parse(json, ReadStatus);

    public static OutcomeParseResult<ParticipantStatusReport> Status(ReadOnlyMemory<byte> utf8Json) => Parse(utf8Json, ReadStatus);

    /// <summary>The properties each status takes besides <c>status</c> and the correction pair.</summary>
    internal static IReadOnlyDictionary<ParticipantStatusKind, string[]> StatusKindFields { get; } = new Dictionary<ParticipantStatusKind, string[]>
    {
        [ParticipantStatusKind.Alive] = ["date"],
        [ParticipantStatusKind.Died] = ["date", "cause"],
        [ParticipantStatusKind.Withdrawn] = ["date", "reasonCode"],
        [ParticipantStatusKind.LostToFollowUp] = ["lastKnownAliveOn"],
        [ParticipantStatusKind.AllocatedInError] = ["reasonCode"],
    };

    private static ParticipantStatusReport? ReadStatus(BodyReader reader, JsonElement body)
    {
        if (reader.Object(body, "", "a participant status", StatusFields) is not { } f) return null;
        var errorsBefore = reader.Errors.Count;
        var kind = reader.Enumeration<ParticipantStatusKind>(f, "status", required: true);
        var corrects = reader.WholeNumber(f, "correctsRecord", required: false, 1, int.MaxValue);
        var reason = reader.ShortText(f, "correctionReason", required: false, MaxReasonLength);
        if (f.Has("correctsRecord") && !f.Has("correctionReason"))
            reader.Error("correctionReason", "Required for a correction: say why the earlier record was wrong.");
        if (f.Has("correctionReason") && !f.Has("correctsRecord"))
            reader.Error("correctsRecord", "A correction reason needs the number of the record it corrects.");
        if (kind is not { } k) return null;

        // The fields of another status are errors, not ignored: "cause" on an "alive" record means the form was wrong.
        var own = StatusKindFields[k];
        foreach (var name in new[] { "date", "cause", "reasonCode", "lastKnownAliveOn" })
            if (!own.Contains(name) && f.TryGet(name, out _))
                reader.Error(name, $"Not a property of status '{ContractEnum<ParticipantStatusKind>.Name(k)}', which takes {string.Join(", ", own)}.");

        ParticipantStatusEvent? statusEvent = k switch
        {
            ParticipantStatusKind.Alive => reader.Date(f, "date", required: true) is { } d ? new AliveOn(d) : null,
            ParticipantStatusKind.Died => (reader.Date(f, "date", required: true), reader.Enumeration<DeathCause>(f, "cause", required: true)) is ({ } d, { } c)
                ? new Died(d, c) : null,
            ParticipantStatusKind.Withdrawn => (reader.Date(f, "date", required: true), reader.Enumeration<WithdrawalReason>(f, "reasonCode", required: true)) is ({ } d, { } r)
                ? new Withdrawn(d, r) : null,
            ParticipantStatusKind.LostToFollowUp => reader.Date(f, "lastKnownAliveOn", required: true) is { } d ? new LostToFollowUp(d) : null,
            _ => reader.Enumeration<AllocationErrorReason>(f, "reasonCode", required: true) is { } r ? new AllocatedInError(r) : null,
        };
        if (reader.Errors.Count > errorsBefore || statusEvent is null) return null;
        return new ParticipantStatusReport(statusEvent, corrects, reason);
    }

    // Shared ---------------------------------------------------------------------------------------------------------

    private static OutcomeParseResult<T> Parse<T>(string json, Func<BodyReader, JsonElement, T?> read) where T : class
    {
        if (string.IsNullOrWhiteSpace(json)) return Invalid<T>("The body is empty: send a JSON object.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return new OutcomeParseResult<T>(null, [ScreeningSubmissionParser.MalformedJson(e)]);
        }
        catch (ArgumentException)
        {
            return Invalid<T>("The body is not valid Unicode text.");
        }
        using (document) return Read(document.RootElement, read);
    }

    private static OutcomeParseResult<T> Parse<T>(ReadOnlyMemory<byte> utf8Json, Func<BodyReader, JsonElement, T?> read) where T : class
    {
        var bytes = utf8Json.Span.StartsWith(Encoding.UTF8.Preamble) ? utf8Json[Encoding.UTF8.Preamble.Length..] : utf8Json;
        if (bytes.IsEmpty) return Invalid<T>("The body is empty: send a JSON object.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            return new OutcomeParseResult<T>(null, [ScreeningSubmissionParser.MalformedJson(e)]);
        }
        using (document) return Read(document.RootElement, read);
    }

    private static OutcomeParseResult<T> Read<T>(JsonElement body, Func<BodyReader, JsonElement, T?> read) where T : class
    {
        var reader = new BodyReader();
        var value = read(reader, body);
        return new OutcomeParseResult<T>(value, reader.Errors);
    }

    private static OutcomeParseResult<T> Invalid<T>(string message) where T : class => new(null, [new FieldError("$", message)]);
}
