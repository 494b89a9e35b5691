using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>Structural validation of the submission body (api.md): field-path errors for every bad shape, never an exception.</summary>
public class ScreeningSubmissionParserTests
{
    private static SubmissionParseResult Parse(string json) => ScreeningSubmissionParser.Parse(json, Screenings.Natars);

    private static SubmissionParseResult ParseExampleWith(Action<JsonObject> change)
    {
        var body = JsonNode.Parse(Screenings.ApiExampleJson)!.AsObject();
        change(body);
        return Parse(body.ToJsonString());
    }

    /// <summary>The api.md example with the value at <paramref name="path"/> (dotted) replaced by raw JSON.</summary>
    private static SubmissionParseResult ParseExampleWithValue(string path, string valueJson) => ParseExampleWith(body =>
    {
        var (parent, name) = Navigate(body, path);
        parent[name] = JsonNode.Parse(valueJson);
    });

    private static SubmissionParseResult ParseExampleWithout(string path) => ParseExampleWith(body =>
    {
        var (parent, name) = Navigate(body, path);
        parent.Remove(name);
    });

    private static (JsonObject Parent, string Name) Navigate(JsonObject body, string path)
    {
        var segments = path.Split('.');
        var parent = body;
        foreach (var segment in segments[..^1]) parent = parent[segment]!.AsObject();
        return (parent, segments[^1]);
    }

    private static FieldError SingleErrorAt(SubmissionParseResult result, string path)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Submission);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        return error;
    }

    // Valid input -------------------------------------------------------------------------------------------------

    [Fact]
    public void ApiExample_ParsesToTheSubmission()
    {
        var result = Parse(Screenings.ApiExampleJson);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Empty(result.Errors);
        Assert.Equal(Screenings.EligibleDdlps(), result.Submission);
    }

    [Fact]
    public void SubmissionWrittenWithScreeningJson_ParsesBackUnchanged()
    {
        var submissions = new[]
        {
            Screenings.EligibleDdlps(), Screenings.EligibleLms(), Screenings.EligibleUps(), Screenings.EligibleSft(),
            Screenings.EligibleDdlps().WithTumor(t => t with { FnclccGrade = null, FnclccComponents = new FnclccComponents(3, 2, null) }),
            new ScreeningSubmission("QDUAH", null, new DateOnly(2027, 1, 2), new Patient(), new Tumor(), new History(), new Mdt()),
        };
        foreach (var submission in submissions)
            Assert.Equal(submission, Parse(JsonSerializer.Serialize(submission, ScreeningJson.Options)).Submission);
    }

    [Fact]
    public void AcceptedPropertyNames_MatchTheSubmissionRecords()
    {
        foreach (var (type, fields) in ScreeningSubmissionParser.AcceptedFields)
        {
            var properties = type.GetProperties().Where(p => p.DeclaringType == type && p.Name != "EqualityContract")
                .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));
            Assert.Equal(properties, fields);
        }
    }

    [Fact]
    public void ClinicalFieldsNullOrAbsent_AreUnknownNotErrors()
    {
        var result = Parse("""
            { "siteId": "BFH", "screenedOn": "2026-11-20",
              "patient": { "ageYears": null }, "tumor": {}, "history": {}, "mdt": { "organFunction": null } }
            """);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(new Patient(), result.Submission.Patient);
        Assert.Null(result.Submission.ScreeningNumber);
    }

    [Theory]
    [InlineData("patient.ageYears", "0")]
    [InlineData("patient.ageYears", "120")]
    [InlineData("patient.ageYears", "58.0")]
    [InlineData("patient.asaClass", "1")]
    [InlineData("patient.asaClass", "6")]
    [InlineData("tumor.fnclccGrade", "1")]
    [InlineData("tumor.maxDiameterCm", "0.1")]
    [InlineData("tumor.maxDiameterCm", "200")]
    [InlineData("tumor.sftNecrosisPercent", "0")]
    [InlineData("tumor.sftNecrosisPercent", "100")]
    [InlineData("tumor.sftMitosesPer10Hpf", "0")]
    [InlineData("tumor.sftMitosesPer10Hpf", "150")]
    [InlineData("mdt.reviewedOn", "\"2026-11-20\"")]
    [InlineData("screeningNumber", "null")]
    [InlineData("screeningNumber", "\"PKUIH/S 0042 – 初筛\"")]
    public void ValueAtTheEdgeOfItsRange_IsAccepted(string path, string valueJson)
    {
        var result = ParseExampleWithValue(path, valueJson);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void AbsentScreeningNumber_IsAccepted() => Assert.True(ParseExampleWithout("screeningNumber").IsValid);

    [Fact]
    public void Utf8BytesWithByteOrderMark_Parse()
    {
        var bytes = Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes(Screenings.ApiExampleJson)).ToArray();
        Assert.Equal(Screenings.EligibleDdlps(), ScreeningSubmissionParser.Parse(bytes, Screenings.Natars).Submission);
    }

    [Fact]
    public void ParsedJsonElement_Parses()
    {
        using var document = JsonDocument.Parse(Screenings.ApiExampleJson);
        Assert.True(ScreeningSubmissionParser.Parse(document.RootElement, Screenings.Natars).IsValid);
    }

    // Wrong shapes ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("siteId", "42")]
    [InlineData("screeningNumber", "7")]
    [InlineData("screenedOn", "20261120")]
    [InlineData("patient", "\"x\"")]
    [InlineData("tumor", "[]")]
    [InlineData("history", "true")]
    [InlineData("mdt", "1")]
    [InlineData("patient.ageYears", "\"58\"")]
    [InlineData("patient.sex", "1")]
    [InlineData("patient.asaClass", "true")]
    [InlineData("patient.informedConsentSigned", "\"yes\"")]
    [InlineData("patient.reproductivePotential", "1")]
    [InlineData("tumor.histology", "true")]
    [InlineData("tumor.histologyConfirmedByBiopsy", "\"true\"")]
    [InlineData("tumor.maxDiameterCm", "\"21\"")]
    [InlineData("tumor.fnclccComponents", "[1,2,1]")]
    [InlineData("tumor.mdm2Fish", "{}")]
    [InlineData("history.priorResection", "0")]
    [InlineData("mdt.reviewedOn", "{}")]
    [InlineData("mdt.organFunction", "[]")]
    public void ValueOfTheWrongJsonType_IsAFieldError(string path, string valueJson) =>
        SingleErrorAt(ParseExampleWithValue(path, valueJson), path);

    [Theory]
    [InlineData("patientName")]
    [InlineData("patient.name")]
    [InlineData("patient.nationalId")]
    [InlineData("patient.AgeYears")]
    [InlineData("tumor.histolgy")]
    [InlineData("history.priorSurgery")]
    [InlineData("mdt.reviewer")]
    public void UnknownPropertyAtAnyLevel_IsRejectedNotDropped(string path)
    {
        var error = SingleErrorAt(ParseExampleWithValue(path, "\"x\""), path);
        Assert.StartsWith("Unknown property", error.Message);
    }

    [Theory]
    [InlineData("""{ "": 1 }""", "$", "[\"\"]")]
    [InlineData("""{ "patient": { "patient.name": 1 } }""", "patient", "patient[\"patient.name\"]")]
    public void UnknownPropertyWithAnOddName_IsNamedInBracketNotation(string fragment, string objectPath, string expectedPath)
    {
        // Found by the fuzz tests: an empty property name gave an error with an empty path.
        var node = System.Text.Json.Nodes.JsonNode.Parse(Screenings.ApiExampleJson)!.AsObject();
        var extra = System.Text.Json.Nodes.JsonNode.Parse(fragment)!.AsObject();
        var target = objectPath == "$" ? extra : extra[objectPath]!.AsObject();
        var into = objectPath == "$" ? node : node[objectPath]!.AsObject();
        foreach (var (name, value) in target.ToList()) { target.Remove(name); into[name] = value; }

        var result = ScreeningSubmissionParser.Parse(node.ToJsonString(), Screenings.Natars);

        Assert.Equal(expectedPath, Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void UnknownPropertyInFnclccComponents_IsRejected()
    {
        var result = ParseExampleWithValue("tumor.fnclccComponents", """{ "differentiation": 3, "mitoses": 2, "necrosis": 1, "mitosis": 2 }""");
        SingleErrorAt(result, "tumor.fnclccComponents.mitosis");
    }

    [Theory]
    [InlineData("patient.sex", "Female")]
    [InlineData("tumor.histology", "ddlps")]
    [InlineData("tumor.originSite", "retroperitoneal")]
    [InlineData("tumor.metastasis", "unknown")]
    [InlineData("tumor.mdm2Ihc", "pos")]
    [InlineData("tumor.cdk4Ihc", "not done")]
    [InlineData("tumor.mdm2Fish", "")]
    [InlineData("mdt.organFunction", "mild")]
    public void UnknownEnumerationValue_IsAFieldErrorListingTheAllowedValues(string path, string value)
    {
        var error = SingleErrorAt(ParseExampleWithValue(path, JsonSerializer.Serialize(value)), path);
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains(path switch
        {
            "patient.sex" => "female, male",
            "tumor.histology" => "DDLPS, LMS, UPS, SFT, WDLPS, MLPS, OTHER",
            "tumor.originSite" => "retroperitoneum, gi_tract, uterus, urinary_tract, other",
            "tumor.metastasis" => "none, suspected, confirmed",
            "tumor.mdm2Ihc" or "tumor.cdk4Ihc" => "positive, negative, not_done",
            "tumor.mdm2Fish" => "amplified, not_amplified, not_done",
            _ => "normal, mild_recoverable, persistent_dysfunction, failure",
        }, error.Message);
    }

    [Theory]
    [InlineData("siteId")]
    [InlineData("screenedOn")]
    [InlineData("patient")]
    [InlineData("tumor")]
    [InlineData("history")]
    [InlineData("mdt")]
    public void MissingRequiredField_IsAFieldError(string path)
    {
        Assert.StartsWith("Required", SingleErrorAt(ParseExampleWithout(path), path).Message);
        Assert.StartsWith("Required", SingleErrorAt(ParseExampleWithValue(path, "null"), path).Message);
    }

    [Theory]
    [InlineData("patient.ageYears", "-1")]
    [InlineData("patient.ageYears", "121")]
    [InlineData("patient.ageYears", "58.5")]
    [InlineData("patient.ageYears", "1e400")]
    [InlineData("patient.asaClass", "0")]
    [InlineData("patient.asaClass", "7")]
    [InlineData("tumor.fnclccGrade", "0")]
    [InlineData("tumor.fnclccGrade", "4")]
    [InlineData("tumor.fnclccGrade", "2.5")]
    [InlineData("tumor.maxDiameterCm", "0")]
    [InlineData("tumor.maxDiameterCm", "-3")]
    [InlineData("tumor.maxDiameterCm", "200.01")]
    [InlineData("tumor.sftNecrosisPercent", "-0.1")]
    [InlineData("tumor.sftNecrosisPercent", "100.5")]
    [InlineData("tumor.sftMitosesPer10Hpf", "-1")]
    [InlineData("tumor.sftMitosesPer10Hpf", "1.5")]
    [InlineData("tumor.sftMitosesPer10Hpf", "99999999999")]
    public void ValueOutOfRange_IsAFieldError(string path, string valueJson) =>
        SingleErrorAt(ParseExampleWithValue(path, valueJson), path);

    [Theory]
    [InlineData("differentiation", "0")]
    [InlineData("differentiation", "4")]
    [InlineData("mitoses", "0")]
    [InlineData("mitoses", "4")]
    [InlineData("necrosis", "-1")]
    [InlineData("necrosis", "3")]
    public void FnclccComponentOutOfRange_IsAFieldError(string component, string valueJson)
    {
        var components = JsonNode.Parse("""{ "differentiation": 3, "mitoses": 2, "necrosis": 1 }""")!.AsObject();
        components[component] = JsonNode.Parse(valueJson);
        SingleErrorAt(ParseExampleWithValue("tumor.fnclccComponents", components.ToJsonString()), $"tumor.fnclccComponents.{component}");
    }

    [Theory]
    [InlineData("screenedOn", "2026-13-01")]
    [InlineData("screenedOn", "2026-02-30")]
    [InlineData("screenedOn", "2026-11-20T00:00:00Z")]
    [InlineData("screenedOn", "20-11-2026")]
    [InlineData("screenedOn", "2026/11/20")]
    [InlineData("screenedOn", "2026-1-20")]
    [InlineData("screenedOn", "")]
    [InlineData("mdt.reviewedOn", "18.11.2026")]
    [InlineData("mdt.reviewedOn", "+2026-11-18")]
    [InlineData("mdt.reviewedOn", "２０２６-11-18")]
    public void DateNotWrittenYyyyMmDd_IsAFieldError(string path, string value) =>
        SingleErrorAt(ParseExampleWithValue(path, JsonSerializer.Serialize(value)), path);

    [Fact]
    public void MdtReviewAfterTheScreeningDate_IsAFieldError()
    {
        var error = SingleErrorAt(ParseExampleWithValue("mdt.reviewedOn", "\"2026-11-21\""), "mdt.reviewedOn");
        Assert.Contains("2026-11-21", error.Message);
        Assert.Contains("2026-11-20", error.Message);
    }

    [Theory]
    [InlineData("ZZZ")]
    [InlineData("pkuih")]
    [InlineData("")]
    public void SiteNotOfTheProtocol_IsAFieldErrorListingTheSites(string site) =>
        Assert.Contains("PKUIH, BFH, XJTU1, PKUFH, FUSCC, ZSH, QDUAH",
            SingleErrorAt(ParseExampleWithValue("siteId", JsonSerializer.Serialize(site)), "siteId").Message);

    [Theory]
    [InlineData("")]
    [InlineData(" PKUIH-S-0042")]
    [InlineData("PKUIH-S-0042 ")]
    [InlineData("PKUIH\nS-0042")]
    [InlineData("PKUIH\u200BS")]
    [InlineData("123456789012345678901234567890123456789012345678901")]
    public void ScreeningNumberNotOf1To50PrintableCharacters_IsAFieldError(string number) =>
        SingleErrorAt(ParseExampleWithValue("screeningNumber", JsonSerializer.Serialize(number)), "screeningNumber");

    [Fact]
    public void FnclccGradeDisagreeingWithItsComponents_IsAFieldErrorOnTheGrade()
    {
        var error = SingleErrorAt(
            ParseExampleWithValue("tumor.fnclccComponents", """{ "differentiation": 1, "mitoses": 1, "necrosis": 0 }"""),
            "tumor.fnclccGrade");
        Assert.Contains("grade 3 disagrees with the grade 1", error.Message);
    }

    [Fact]
    public void FnclccGradeAgreeingWithItsComponents_IsAccepted() =>
        Assert.True(ParseExampleWithValue("tumor.fnclccComponents", """{ "differentiation": 3, "mitoses": 2, "necrosis": 1 }""").IsValid);

    [Fact]
    public void FnclccComponentsAlone_GiveTheGradeTheCriteriaUse()
    {
        var result = ParseExampleWith(body =>
        {
            body["tumor"]!["fnclccGrade"] = null;
            body["tumor"]!["fnclccComponents"] = JsonNode.Parse("""{ "differentiation": 1, "mitoses": 1, "necrosis": 1 }""");
        });
        Assert.True(result.IsValid);
        Assert.Null(result.Submission.Tumor.FnclccGrade);
        Assert.Equal(CriterionStatus.Fail, result.Submission.Criterion("I06").Status);
    }

    [Fact]
    public void RepeatedProperty_IsAFieldErrorRatherThanLastOneWins()
    {
        var json = Screenings.ApiExampleJson.Replace("\"ageYears\": 58,", "\"ageYears\": 58, \"ageYears\": 17,");
        SingleErrorAt(Parse(json), "patient.ageYears");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{}]")]
    [InlineData("42")]
    [InlineData("\"screening\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void BodyThatIsNotAnObject_IsAnErrorOnTheBody(string json) => SingleErrorAt(Parse(json), "$");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("{\"siteId\":}")]
    [InlineData("{\"siteId\":\"PKUIH\",}")]
    [InlineData("// comment\n{}")]
    [InlineData("{'siteId':'PKUIH'}")]
    [InlineData("{} {}")]
    [InlineData("\u0000")]
    [InlineData("{\"siteId\":\"PK\u0001UIH\"}")]
    public void MalformedJson_IsAnErrorOnTheBody(string json) => SingleErrorAt(Parse(json), "$");

    [Fact]
    public void MalformedJson_SaysWhere() =>
        Assert.Contains("line 2", SingleErrorAt(Parse("{\n  \"siteId\": PKUIH }"), "$").Message);

    [Fact]
    public void InvalidUtf8Bytes_AreFieldErrors()
    {
        var badName = ScreeningSubmissionParser.Parse(
            new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, Screenings.Natars);
        Assert.Contains(badName.Errors, e => e.Path == "$");
        var badValue = ScreeningSubmissionParser.Parse(
            Encoding.UTF8.GetBytes(Screenings.ApiExampleJson.Replace("\"DDLPS\"", "\"DD#LPS\"")).Select(b => b == '#' ? (byte)0xFF : b).ToArray(),
            Screenings.Natars);
        Assert.False(badValue.IsValid);
    }

    [Fact]
    public void BrokenUnicodeEscapes_AreFieldErrors()
    {
        SingleErrorAt(Parse(Screenings.ApiExampleJson.Replace("\"DDLPS\"", "\"\\ud800\"")), "tumor.histology");
        var result = Parse(Screenings.ApiExampleJson.Replace("\"sex\"", "\"\\udc00\""));
        Assert.Contains(result.Errors, e => e.Path == "patient");
    }

    [Fact]
    public void EveryProblem_IsReportedNotJustTheFirst()
    {
        var result = ParseExampleWith(body =>
        {
            body.Remove("siteId");
            body["screenedOn"] = "2026-02-30";
            body["patient"]!["ageYears"] = 130;
            body["patient"]!["fullName"] = "Li Lei";
            body["tumor"]!["histology"] = "RPS";
            body["history"]!["priorResection"] = "no";
            body["mdt"] = JsonValue.Create(1);
        });

        Assert.Equal(
            ["screenedOn", "patient.ageYears", "patient.fullName", "tumor.histology", "history.priorResection", "mdt", "siteId"],
            result.Errors.Select(e => e.Path));
    }
}
