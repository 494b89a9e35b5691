using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RpsServerless.Core.Protocol;
using static RpsServerless.Core.InputText;

namespace RpsServerless.Core.Screening;

/// <summary>Either a structurally valid submission or every problem found in it, by field path.</summary>
public sealed class SubmissionParseResult
{
    internal SubmissionParseResult(ScreeningSubmission? submission, IReadOnlyList<FieldError> errors)
    {
        Submission = errors.Count == 0 ? submission : null;
        Errors = errors;
    }

    public ScreeningSubmission? Submission { get; }

    /// <summary>Every problem, in document order; empty when <see cref="IsValid"/>.</summary>
    public IReadOnlyList<FieldError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Submission))]
    public bool IsValid => Submission is not null;
}

/// <summary>
/// Reads a screening submission (api.md) from JSON and checks its shape: types, ranges, enumeration values, dates,
/// required fields, the site, and unknown properties anywhere (a typo must never silently drop data, and direct
/// identifiers are not fields). It collects every error rather than stopping at the first, and never throws on any
/// input: errors are values. Eligibility itself is judged later by <see cref="ScreeningEvaluator"/>.
/// </summary>
public static class ScreeningSubmissionParser
{
    /// <summary>The field path of the body itself.</summary>
    public const string BodyPath = "$";

    // Contract limits (api.md): what a plausible value is. They are not eligibility thresholds, which the protocol's
    // criteria judge, so an age of 80 or ASA 5 parses and then fails I01 or I13 with a reason.
    private const int MaxAgeYears = 120;
    private const int MinAsaClass = 1;
    private const int MaxAsaClass = 6;
    private const decimal MaxDiameterCm = 200m;
    private const decimal MaxPercent = 100m;
    private const int MaxScreeningNumberLength = 50;
    // Long enough for any real value, short enough that an echoed bad value cannot flood an error message.

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly string[] SubmissionFields = ["siteId", "screeningNumber", "screenedOn", "patient", "tumor", "history", "mdt"];
    private static readonly string[] RequiredSubmissionFields = ["siteId", "screenedOn", "patient", "tumor", "history", "mdt"];
    private static readonly string[] PatientFields =
    [
        "ageYears", "sex", "asaClass", "reproductivePotential", "pregnantOrBreastfeeding", "agreesToContraception",
        "secondMalignancyHistory", "psychologicalCondition", "informedConsentSigned",
    ];
    private static readonly string[] TumorFields =
    [
        "histology", "histologyConfirmedByBiopsy", "fnclccGrade", "fnclccComponents", "maxDiameterCm", "originSite",
        "crossesDiaphragm", "extendsIntoChestCavity", "metastasis", "mdm2Ihc", "cdk4Ihc", "mdm2Fish",
        "sftMitosesPer10Hpf", "sftNecrosisPercent",
    ];
    private static readonly string[] FnclccComponentFields = ["differentiation", "mitoses", "necrosis"];
    private static readonly string[] HistoryFields =
    [
        "priorResection", "laparotomyBiopsyOnly", "priorChemotherapy", "priorRadiotherapy", "priorTargetedTherapy",
        "priorAnthracycline", "priorIfosfamide", "severeContraindicationWithin6Months", "severeInfectionWithin1Month",
        "highBleedingRiskSurgeryWithin1Month",
    ];
    private static readonly string[] MdtFields = ["reviewedOn", "r0R1ResectionFeasible", "fitForChemotherapyAndSurgery", "organFunction"];

    /// <summary>The JSON property names each level accepts, for tests that keep them in step with the records.</summary>
    internal static IReadOnlyDictionary<Type, string[]> AcceptedFields { get; } = new Dictionary<Type, string[]>
    {
        [typeof(ScreeningSubmission)] = SubmissionFields,
        [typeof(Patient)] = PatientFields,
        [typeof(Tumor)] = TumorFields,
        [typeof(FnclccComponents)] = FnclccComponentFields,
        [typeof(History)] = HistoryFields,
        [typeof(Mdt)] = MdtFields,
    };

    public static SubmissionParseResult Parse(string json, ProtocolDefinition protocol)
    {
        if (string.IsNullOrWhiteSpace(json)) return Invalid("The body is empty: send a screening submission as a JSON object.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Invalid(MalformedJson(e).Message);
        }
        catch (ArgumentException)
        {
            return Invalid("The body is not valid Unicode text.");
        }
        using (document) return Parse(document.RootElement, protocol);
    }

    public static SubmissionParseResult Parse(ReadOnlyMemory<byte> utf8Json, ProtocolDefinition protocol)
    {
        var bytes = utf8Json.Span.StartsWith(Encoding.UTF8.Preamble) ? utf8Json[Encoding.UTF8.Preamble.Length..] : utf8Json;
        if (bytes.IsEmpty) return Invalid("The body is empty: send a screening submission as a JSON object.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Invalid(MalformedJson(e).Message);
        }
        using (document) return Parse(document.RootElement, protocol);
    }

    /// <summary>Reads an already parsed body (the CLI parses a whole array first).</summary>
    public static SubmissionParseResult Parse(JsonElement body, ProtocolDefinition protocol)
    {
        var reader = new Reader(protocol);
        var submission = reader.Submission(body);
        return new SubmissionParseResult(submission, reader.Errors);
    }

    /// <summary>The error for text that is not JSON at all, with the line and position to look at.</summary>
    public static FieldError MalformedJson(JsonException e)
    {
        // System.Text.Json appends "Path: … | LineNumber: …" to its messages; the position is given in words instead.
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut];
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        return new FieldError(BodyPath, $"Malformed JSON{where}: {message}");
    }

    private static SubmissionParseResult Invalid(string message) => new(null, [new FieldError(BodyPath, message)]);

    /// <summary>One pass over one body; <see cref="Errors"/> collects every problem on the way.</summary>
    private sealed class Reader(ProtocolDefinition protocol)
    {
        public List<FieldError> Errors { get; } = [];

        public ScreeningSubmission? Submission(JsonElement body)
        {
            if (body.ValueKind != JsonValueKind.Object)
            {
                Error(BodyPath, $"The body must be a JSON object (a screening submission), not {Describe(body.ValueKind)}.");
                return null;
            }

            string? siteId = null, screeningNumber = null;
            DateOnly? screenedOn = null;
            Patient? patient = null;
            Tumor? tumor = null;
            History? history = null;
            Mdt? mdt = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, value, path) in Properties(body, "", seen))
            {
                switch (name)
                {
                    case "siteId": siteId = SiteId(value, path); break;
                    case "screeningNumber": screeningNumber = ScreeningNumber(value, path); break;
                    case "screenedOn": screenedOn = Date(value, path, required: true); break;
                    case "patient": patient = RequiredObject(value, path, Patient); break;
                    case "tumor": tumor = RequiredObject(value, path, Tumor); break;
                    case "history": history = RequiredObject(value, path, History); break;
                    case "mdt": mdt = RequiredObject(value, path, Mdt); break;
                    default: Unknown(path, SubmissionFields); break;
                }
            }
            foreach (var required in RequiredSubmissionFields)
                if (!seen.Contains(required)) Error(required, "Required.");

            // The MDT review is an input to the screening, so it cannot postdate it; the same day is fine. A later
            // date almost always means the two dates were swapped or mistyped on the form.
            if (screenedOn is { } screened && mdt?.ReviewedOn is { } reviewed && reviewed > screened)
                Error("mdt.reviewedOn", $"MDT review date {Iso(reviewed)} is after the screening date {Iso(screened)}: the screening must follow the MDT review.");

            if (siteId is null || screenedOn is null || patient is null || tumor is null || history is null || mdt is null)
                return null;
            return new ScreeningSubmission(siteId, screeningNumber, screenedOn.Value, patient, tumor, history, mdt);
        }

        private Patient Patient(JsonElement o, string at)
        {
            var p = new Patient();
            foreach (var (name, value, path) in Properties(o, at, []))
            {
                p = name switch
                {
                    "ageYears" => p with { AgeYears = WholeNumber(value, path, 0, MaxAgeYears) },
                    "sex" => p with { Sex = Enumeration<Sex>(value, path) },
                    "asaClass" => p with { AsaClass = WholeNumber(value, path, MinAsaClass, MaxAsaClass) },
                    "reproductivePotential" => p with { ReproductivePotential = Boolean(value, path) },
                    "pregnantOrBreastfeeding" => p with { PregnantOrBreastfeeding = Boolean(value, path) },
                    "agreesToContraception" => p with { AgreesToContraception = Boolean(value, path) },
                    "secondMalignancyHistory" => p with { SecondMalignancyHistory = Boolean(value, path) },
                    "psychologicalCondition" => p with { PsychologicalCondition = Boolean(value, path) },
                    "informedConsentSigned" => p with { InformedConsentSigned = Boolean(value, path) },
                    _ => Unknown(p, path, PatientFields),
                };
            }
            return p;
        }

        private Tumor Tumor(JsonElement o, string at)
        {
            var t = new Tumor();
            var grades = protocol.Fnclcc.Grades;
            int minGrade = grades.Count > 0 ? grades[0].Grade : 1, maxGrade = grades.Count > 0 ? grades[^1].Grade : 1;
            foreach (var (name, value, path) in Properties(o, at, []))
            {
                t = name switch
                {
                    "histology" => t with { Histology = Enumeration<Histology>(value, path) },
                    "histologyConfirmedByBiopsy" => t with { HistologyConfirmedByBiopsy = Boolean(value, path) },
                    "fnclccGrade" => t with { FnclccGrade = WholeNumber(value, path, minGrade, maxGrade) },
                    "fnclccComponents" => t with { FnclccComponents = OptionalObject(value, path, FnclccComponents) },
                    "maxDiameterCm" => t with { MaxDiameterCm = Number(value, path, 0m, minInclusive: false, MaxDiameterCm, "cm") },
                    "originSite" => t with { OriginSite = Enumeration<OriginSite>(value, path) },
                    "crossesDiaphragm" => t with { CrossesDiaphragm = Boolean(value, path) },
                    "extendsIntoChestCavity" => t with { ExtendsIntoChestCavity = Boolean(value, path) },
                    "metastasis" => t with { Metastasis = Enumeration<Metastasis>(value, path) },
                    "mdm2Ihc" => t with { Mdm2Ihc = Enumeration<IhcResult>(value, path) },
                    "cdk4Ihc" => t with { Cdk4Ihc = Enumeration<IhcResult>(value, path) },
                    "mdm2Fish" => t with { Mdm2Fish = Enumeration<FishResult>(value, path) },
                    "sftMitosesPer10Hpf" => t with { SftMitosesPer10Hpf = WholeNumber(value, path, 0, int.MaxValue) },
                    "sftNecrosisPercent" => t with { SftNecrosisPercent = Number(value, path, 0m, minInclusive: true, MaxPercent, "%") },
                    _ => Unknown(t, path, TumorFields),
                };
            }

            // Both given: they must say the same, or the form carries two grades and nobody can tell which is right.
            if (t is { FnclccGrade: { } given, FnclccComponents: { } components }
                && Screening.FnclccGrade.FromComponents(components, protocol.Fnclcc) is { } derived && derived != given)
                Error(Join(at, "fnclccGrade"),
                    $"FNCLCC grade {given} disagrees with the grade {derived} derived from the components (differentiation {components.Differentiation} + mitoses {components.Mitoses} + necrosis {components.Necrosis}): correct one of them.");
            return t;
        }

        private FnclccComponents FnclccComponents(JsonElement o, string at)
        {
            var c = new FnclccComponents();
            var grading = protocol.Fnclcc;
            foreach (var (name, value, path) in Properties(o, at, []))
            {
                c = name switch
                {
                    "differentiation" => c with { Differentiation = WholeNumber(value, path, grading.Differentiation.Min, grading.Differentiation.Max) },
                    "mitoses" => c with { Mitoses = WholeNumber(value, path, grading.Mitoses.Min, grading.Mitoses.Max) },
                    "necrosis" => c with { Necrosis = WholeNumber(value, path, grading.Necrosis.Min, grading.Necrosis.Max) },
                    _ => Unknown(c, path, FnclccComponentFields),
                };
            }
            return c;
        }

        private History History(JsonElement o, string at)
        {
            var h = new History();
            foreach (var (name, value, path) in Properties(o, at, []))
            {
                h = name switch
                {
                    "priorResection" => h with { PriorResection = Boolean(value, path) },
                    "laparotomyBiopsyOnly" => h with { LaparotomyBiopsyOnly = Boolean(value, path) },
                    "priorChemotherapy" => h with { PriorChemotherapy = Boolean(value, path) },
                    "priorRadiotherapy" => h with { PriorRadiotherapy = Boolean(value, path) },
                    "priorTargetedTherapy" => h with { PriorTargetedTherapy = Boolean(value, path) },
                    "priorAnthracycline" => h with { PriorAnthracycline = Boolean(value, path) },
                    "priorIfosfamide" => h with { PriorIfosfamide = Boolean(value, path) },
                    "severeContraindicationWithin6Months" => h with { SevereContraindicationWithin6Months = Boolean(value, path) },
                    "severeInfectionWithin1Month" => h with { SevereInfectionWithin1Month = Boolean(value, path) },
                    "highBleedingRiskSurgeryWithin1Month" => h with { HighBleedingRiskSurgeryWithin1Month = Boolean(value, path) },
                    _ => Unknown(h, path, HistoryFields),
                };
            }
            return h;
        }

        private Mdt Mdt(JsonElement o, string at)
        {
            var m = new Mdt();
            foreach (var (name, value, path) in Properties(o, at, []))
            {
                m = name switch
                {
                    "reviewedOn" => m with { ReviewedOn = Date(value, path, required: false) },
                    "r0R1ResectionFeasible" => m with { R0R1ResectionFeasible = Boolean(value, path) },
                    "fitForChemotherapyAndSurgery" => m with { FitForChemotherapyAndSurgery = Boolean(value, path) },
                    "organFunction" => m with { OrganFunction = Enumeration<OrganFunction>(value, path) },
                    _ => Unknown(m, path, MdtFields),
                };
            }
            return m;
        }

        /// <summary>The properties of an object with their paths; unreadable names and repeats are reported and skipped.</summary>
        private IEnumerable<(string Name, JsonElement Value, string Path)> Properties(JsonElement o, string at, HashSet<string> seen)
        {
            foreach (var property in o.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    // A \u escape that is half a surrogate pair: not a name anyone could have meant.
                    Error(at.Length == 0 ? BodyPath : at, "A property name is not valid Unicode text.");
                    continue;
                }
                var path = Join(at, name);
                // A repeated property is ambiguous: which of the two values did the site mean? Neither is taken.
                if (!seen.Add(name))
                {
                    Error(path, "Given more than once: each property may appear only once.");
                    continue;
                }
                yield return (name, property.Value, path);
            }
        }

        private T? RequiredObject<T>(JsonElement value, string path, Func<JsonElement, string, T> read) where T : class
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                Error(path, "Required: must be an object, not null.");
                return null;
            }
            return OptionalObject(value, path, read);
        }

        private T? OptionalObject<T>(JsonElement value, string path, Func<JsonElement, string, T> read) where T : class
        {
            if (value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.Object) return read(value, path);
            Error(path, $"Must be an object, not {Describe(value.ValueKind)}.");
            return null;
        }

        private string? SiteId(JsonElement value, string path)
        {
            var sites = protocol.Sites;
            if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } id)
            {
                for (var i = 0; i < sites.Count; i++)
                    if (string.Equals(sites[i].Id, id, StringComparison.Ordinal)) return id;
                Error(path, $"Unknown site '{Echo(id)}': must be one of {SiteIds()}.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
                Error(path, value.ValueKind == JsonValueKind.Null
                    ? $"Required: one of {SiteIds()}."
                    : $"Must be a site id string, one of {SiteIds()}.");
            return null;

            string SiteIds()
            {
                var ids = new string[sites.Count];
                for (var i = 0; i < ids.Length; i++) ids[i] = sites[i].Id;
                return string.Join(", ", ids);
            }
        }

        // Printable: no control or format characters, no broken surrogate pairs, no unassigned code points, and no
        // leading or trailing blanks, which would make "S-0042 " a different screening number from "S-0042". Length
        // counts UTF-16 code units, the measure storage and the HTTP layer use.
        private string? ScreeningNumber(JsonElement value, string path)
        {
            const string expected = "Must be a string of 1-50 printable characters without leading or trailing spaces, or null.";
            if (value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(path, expected);
                return null;
            }
            if (Text(value, path) is not { } number) return null;
            if (number.Length is 0 or > MaxScreeningNumberLength || !IsPrintable(number))
            {
                Error(path, expected);
                return null;
            }
            return number;
        }

        private DateOnly? Date(JsonElement value, string path, bool required)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (required) Error(path, "Required: a date written YYYY-MM-DD.");
                return null;
            }
            if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } text)
            {
                if (IsIsoDate(text, out var date)) return date;
                Error(path, $"'{Echo(text)}' is not a date written YYYY-MM-DD.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String) Error(path, "Must be a date written YYYY-MM-DD.");
            return null;
        }

        private bool? Boolean(JsonElement value, string path)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Null: return null;
                default:
                    Error(path, $"Must be true, false or null, not {Describe(value.ValueKind)}.");
                    return null;
            }
        }

        private int? WholeNumber(JsonElement value, string path, int min, int max)
        {
            if (value.ValueKind == JsonValueKind.Null) return null;
            // JSON does not tell 58 from 58.0; both are the whole number 58. 58.5 is not.
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
                && number == decimal.Truncate(number) && number >= min && number <= max)
                return (int)number;
            Error(path, max == int.MaxValue
                ? $"Must be a whole number of {min} or more, or null."
                : $"Must be a whole number from {min} to {max}, or null.");
            return null;
        }

        private decimal? Number(JsonElement value, string path, decimal min, bool minInclusive, decimal max, string unit)
        {
            if (value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number)
                && (minInclusive ? number >= min : number > min) && number <= max)
                return number;
            Error(path, minInclusive
                ? $"Must be a number from {Wording.Number(min)} to {Wording.Number(max)} {unit}, or null."
                : $"Must be a number above {Wording.Number(min)} and at most {Wording.Number(max)} {unit}, or null.");
            return null;
        }

        private TEnum? Enumeration<TEnum>(JsonElement value, string path) where TEnum : struct, Enum
        {
            if (value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String && Text(value, path) is { } text)
            {
                if (ContractEnum<TEnum>.TryParse(text, out var parsed)) return parsed;
                Error(path, $"Unknown value '{Echo(text)}': must be one of {ContractEnum<TEnum>.AllowedNames}, or null.");
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
                Error(path, $"Must be one of {ContractEnum<TEnum>.AllowedNames}, or null; not {Describe(value.ValueKind)}.");
            return null;
        }

        /// <summary>The string value, or null (with an error) when its escapes do not form valid Unicode.</summary>
        private string? Text(JsonElement value, string path)
        {
            try
            {
                return value.GetString();
            }
            catch (InvalidOperationException)
            {
                Error(path, "Not valid Unicode text.");
                return null;
            }
        }

        private T Unknown<T>(T unchanged, string path, string[] allowed)
        {
            Unknown(path, allowed);
            return unchanged;
        }

        private void Unknown(string path, string[] allowed) =>
            Error(path, $"Unknown property: the properties here are {string.Join(", ", allowed)}.");

        private void Error(string path, string message) => Errors.Add(new FieldError(path, message));
    }

    // A property name that is not a plain identifier (empty, dotted, spaced, odd characters) is written in bracket
    // notation, so every error keeps a non-empty path that points at exactly one property.
    private static string Join(string at, string name)
    {
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return at + "[" + JsonSerializer.Serialize(name.Length > 40 ? name[..40] + "…" : name) + "]";
        return at.Length == 0 ? name : at + "." + name;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool IsIsoDate(string text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-') return false;
        for (var i = 0; i < text.Length; i++)
            if (i is not (4 or 7) && !char.IsAsciiDigit(text[i])) return false;
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }



}
