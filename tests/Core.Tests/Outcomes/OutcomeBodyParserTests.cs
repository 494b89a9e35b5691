using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Screening;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>The outcome request bodies (api.md): a record for a valid body, field-path errors for every bad shape.</summary>
public class OutcomeBodyParserTests
{
    public const string AssessmentJson = """{ "imagingDate": "2027-04-01", "result": "stable", "modality": "ct", "comment": "Target lesions unchanged." }""";
    public const string SurgeryJson = """{ "date": "2027-03-30", "resection": "r1" }""";
    public const string PathologyJson = """{ "reportDate": "2027-04-08", "histology": "DDLPS", "fnclccGrade": 2 }""";
    public const string AdverseEventJson = """
        {
          "term": "Febrile neutropenia", "grade": 3, "onsetDate": "2027-02-10", "resolutionDate": "2027-02-15",
          "serious": true, "seriousnessCriteria": ["hospitalisation"],
          "relatedness": { "doxorubicin": "probable", "ifosfamide": "probable", "anlotinib": "possible", "surgery": null },
          "actionTaken": "dose_delayed", "outcome": "recovered",
          "awareAt": "2027-02-10T03:15:00Z", "sponsorReportSentAt": "2027-02-10T20:00:00.5Z"
        }
        """;
    public const string StatusJson = """{ "status": "died", "date": "2027-09-01", "cause": "sarcoma" }""";

    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    private static string With(string json, string name, string? valueJson)
    {
        var body = Body(json);
        if (valueJson is null) body.Remove(name);
        else body[name] = JsonNode.Parse(valueJson);
        return body.ToJsonString();
    }

    private static void AssertErrorsAt<T>(OutcomeParseResult<T> result, params string[] paths) where T : class
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Value);
        Assert.Equal(paths, result.Errors.Select(e => e.Path));
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    // Valid bodies ------------------------------------------------------------------------------------------------------

    [Fact]
    public void ValidBodies_ParseToTheirRecords()
    {
        Assert.Equal(new DiseaseAssessment(new DateOnly(2027, 4, 1), AssessmentResult.Stable, ImagingModality.Ct, "Target lesions unchanged."),
            OutcomeBodyParser.Assessment(AssessmentJson).Value);
        Assert.Equal(new SurgeryDetails(new DateOnly(2027, 3, 30), Resection.R1), OutcomeBodyParser.Surgery(SurgeryJson).Value);
        Assert.Equal(new FinalPathology(new DateOnly(2027, 4, 8), Histology.Ddlps, 2), OutcomeBodyParser.Pathology(PathologyJson, Natars).Value);
        Assert.Equal(new ParticipantStatusReport(new Died(new DateOnly(2027, 9, 1), DeathCause.Sarcoma)), OutcomeBodyParser.Status(StatusJson).Value);

        var ae = OutcomeBodyParser.AdverseEvent(AdverseEventJson);
        Assert.True(ae.IsValid, string.Join("; ", ae.Errors));
        Assert.Equal((null, AdverseEventChange.Initial), (ae.Value.AdverseEventId, ae.Value.Change));
        var facts = ae.Value.Facts;
        Assert.Equal(("Febrile neutropenia", 3, true), (facts.Term, facts.Grade, facts.Serious));
        Assert.Equal([SeriousnessCriterion.Hospitalisation], facts.SeriousnessCriteria);
        Assert.Equal(new Relatedness(Causality.Probable, Causality.Probable, Causality.Possible, null), facts.Relatedness);
        Assert.Equal(new DateTimeOffset(2027, 2, 10, 3, 15, 0, TimeSpan.Zero), facts.AwareAt);
        Assert.Equal(new DateTimeOffset(2027, 2, 10, 20, 0, 0, 500, TimeSpan.Zero), facts.SponsorReportSentAt);
    }

    [Fact]
    public void MinimalBodies_Parse()
    {
        Assert.True(OutcomeBodyParser.Assessment("""{ "imagingDate": "2027-04-01", "result": "progression" }""").IsValid);
        Assert.Equal(new FinalPathology(new DateOnly(2027, 4, 8), Histology.Ups, null),
            OutcomeBodyParser.Pathology("""{ "reportDate": "2027-04-08", "histology": "UPS", "fnclccGrade": null }""", Natars).Value);
        Assert.True(OutcomeBodyParser.AdverseEvent("""
            { "term": "Nausea", "grade": 1, "onsetDate": "2027-02-10", "serious": false, "relatedness": {}, "outcome": "recovering", "awareAt": "2027-02-11T00:00:00Z" }
            """).IsValid);
    }

    [Fact]
    public void EveryStatusKind_ParsesToItsEvent()
    {
        Assert.Equal(new AliveOn(new DateOnly(2027, 5, 1)), OutcomeBodyParser.Status("""{ "status": "alive", "date": "2027-05-01" }""").Value!.Event);
        Assert.Equal(new Withdrawn(new DateOnly(2027, 5, 1), WithdrawalReason.ConsentWithdrawn),
            OutcomeBodyParser.Status("""{ "status": "withdrawn", "date": "2027-05-01", "reasonCode": "consent_withdrawn" }""").Value!.Event);
        Assert.Equal(new LostToFollowUp(new DateOnly(2027, 5, 1)),
            OutcomeBodyParser.Status("""{ "status": "lost_to_follow_up", "lastKnownAliveOn": "2027-05-01" }""").Value!.Event);
        Assert.Equal(new AllocatedInError(AllocationErrorReason.DuplicateRegistration),
            OutcomeBodyParser.Status("""{ "status": "allocated_in_error", "reasonCode": "duplicate_registration" }""").Value!.Event);
        var correction = OutcomeBodyParser.Status("""{ "status": "alive", "date": "2027-05-01", "correctsRecord": 2, "correctionReason": "Death entered for the wrong participant." }""").Value!;
        Assert.Equal((2, "Death entered for the wrong participant."), (correction.CorrectsRecord, correction.CorrectionReason));
    }

    [Fact]
    public void SurgeryVisitData_TakesTheVisitDateAndReportsPathsUnderData()
    {
        using var good = JsonDocument.Parse("""{ "resection": "unresectable" }""");
        Assert.Equal(new SurgeryDetails(new DateOnly(2027, 3, 30), Resection.Unresectable),
            OutcomeBodyParser.SurgeryVisitData(good.RootElement, new DateOnly(2027, 3, 30)).Value);
        using var bad = JsonDocument.Parse("""{ "resection": "R0", "margin": 2 }""");
        AssertErrorsAt(OutcomeBodyParser.SurgeryVisitData(bad.RootElement, new DateOnly(2027, 3, 30)), "data.margin", "data.resection");
    }

    [Fact]
    public void Utf8BytesWithByteOrderMark_Parse()
    {
        var bytes = Encoding.UTF8.Preamble.ToArray().Concat(Encoding.UTF8.GetBytes(AdverseEventJson)).ToArray();
        Assert.True(OutcomeBodyParser.AdverseEvent(bytes).IsValid);
    }

    // Malformed shapes ----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"imagingDate\": \"2027-04-01\",}")]
    public void NotAnObject_IsOneErrorAtTheBody(string json)
    {
        foreach (var errors in new[]
                 {
                     OutcomeBodyParser.Assessment(json).Errors, OutcomeBodyParser.Surgery(json).Errors, OutcomeBodyParser.Pathology(json, Natars).Errors,
                     OutcomeBodyParser.AdverseEvent(json).Errors, OutcomeBodyParser.Status(json).Errors,
                 })
            Assert.Equal("$", Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData("imagingDate", null, "imagingDate")]
    [InlineData("imagingDate", "\"2027-02-30\"", "imagingDate")]
    [InlineData("imagingDate", "\"01/04/2027\"", "imagingDate")]
    [InlineData("imagingDate", "\"0202-04-01\"", "imagingDate")]
    [InlineData("imagingDate", "20270401", "imagingDate")]
    [InlineData("result", "\"partial_response\"", "result")]
    [InlineData("result", "\"Stable\"", "result")]
    [InlineData("result", "null", "result")]
    [InlineData("modality", "\"xray\"", "modality")]
    [InlineData("comment", "\"\"", "comment")]
    [InlineData("comment", "\" padded\"", "comment")]
    [InlineData("comment", "\"line\\nbreak\"", "comment")]
    [InlineData("comment", "7", "comment")]
    [InlineData("recist", "\"PD\"", "recist")]
    public void BadAssessmentField_IsAnErrorAtItsPath(string name, string? valueJson, string path) =>
        AssertErrorsAt(OutcomeBodyParser.Assessment(With(AssessmentJson, name, valueJson)), path);

    [Fact]
    public void OverlongComment_IsAnError() =>
        AssertErrorsAt(OutcomeBodyParser.Assessment(With(AssessmentJson, "comment", JsonSerializer.Serialize(new string('x', 201)))), "comment");

    [Fact]
    public void RepeatedProperty_IsOneErrorAndNeitherValueIsTaken() =>
        AssertErrorsAt(OutcomeBodyParser.Assessment("""{ "imagingDate": "2027-04-01", "result": "stable", "result": "progression" }"""), "result");

    [Theory]
    [InlineData("date", null, "date")]
    [InlineData("resection", "\"R0\"", "resection")]
    [InlineData("resection", "0", "resection")]
    [InlineData("margin", "1", "margin")]
    public void BadSurgeryField_IsAnErrorAtItsPath(string name, string? valueJson, string path) =>
        AssertErrorsAt(OutcomeBodyParser.Surgery(With(SurgeryJson, name, valueJson)), path);

    [Theory]
    [InlineData("reportDate", null, "reportDate")]
    [InlineData("histology", "\"ddlps\"", "histology")]
    [InlineData("histology", null, "histology")]
    [InlineData("fnclccGrade", "4", "fnclccGrade")]
    [InlineData("fnclccGrade", "0", "fnclccGrade")]
    [InlineData("fnclccGrade", "2.5", "fnclccGrade")]
    [InlineData("fnclccGrade", "\"2\"", "fnclccGrade")]
    [InlineData("patientName", "\"x\"", "patientName")]
    public void BadPathologyField_IsAnErrorAtItsPath(string name, string? valueJson, string path) =>
        AssertErrorsAt(OutcomeBodyParser.Pathology(With(PathologyJson, name, valueJson), Natars), path);

    [Theory]
    [InlineData("term", null, "term")]
    [InlineData("term", "\"\"", "term")]
    [InlineData("grade", "0", "grade")]
    [InlineData("grade", "6", "grade")]
    [InlineData("grade", "\"3\"", "grade")]
    [InlineData("onsetDate", null, "onsetDate")]
    [InlineData("resolutionDate", "\"2027-02-09\"", "resolutionDate")]
    [InlineData("serious", "\"yes\"", "serious")]
    [InlineData("serious", null, "serious")]
    [InlineData("seriousnessCriteria", "[]", "seriousnessCriteria")]
    [InlineData("seriousnessCriteria", "\"hospitalisation\"", "seriousnessCriteria")]
    [InlineData("seriousnessCriteria", "[\"hospitalisation\", \"hospitalisation\"]", "seriousnessCriteria[1]")]
    [InlineData("seriousnessCriteria", "[\"hospitalization\"]", "seriousnessCriteria[0]")]
    [InlineData("relatedness", null, "relatedness")]
    [InlineData("relatedness", "[]", "relatedness")]
    [InlineData("relatedness", "{ \"doxorubicin\": \"likely\" }", "relatedness.doxorubicin")]
    [InlineData("relatedness", "{ \"cisplatin\": \"possible\" }", "relatedness.cisplatin")]
    [InlineData("actionTaken", "\"stopped\"", "actionTaken")]
    [InlineData("outcome", "\"resolved\"", "outcome")]
    [InlineData("outcome", "\"recovering\"", "resolutionDate")]
    [InlineData("awareAt", null, "awareAt")]
    [InlineData("awareAt", "\"2027-02-10T03:15:00+08:00\"", "awareAt")]
    [InlineData("awareAt", "\"2027-02-10 03:15:00Z\"", "awareAt")]
    [InlineData("awareAt", "\"2027-02-10T03:15:00.Z\"", "awareAt")]
    [InlineData("awareAt", "\"2027-02-08T00:00:00Z\"", "awareAt")]
    [InlineData("sponsorReportSentAt", "\"2027-02-10T03:14:59Z\"", "sponsorReportSentAt")]
    [InlineData("change", "\"amendment\"", "change")]
    [InlineData("adverseEventId", "\"ae_1\"", "adverseEventId")]
    [InlineData("reporterName", "\"Dr X\"", "reporterName")]
    public void BadAdverseEventField_IsAnErrorAtItsPath(string name, string? valueJson, string path) =>
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(With(AdverseEventJson, name, valueJson)), path);

    [Fact]
    public void NonSeriousEventWithCriteriaOrSponsorReport_IsAnError()
    {
        var body = Body(AdverseEventJson);
        body["serious"] = false;
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(body.ToJsonString()), "seriousnessCriteria", "sponsorReportSentAt");
    }

    [Fact]
    public void Grade5_RequiresSeriousDeathAndFatalOutcome()
    {
        var body = Body(AdverseEventJson);
        body["grade"] = 5;
        body.Remove("resolutionDate");
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(body.ToJsonString()), "seriousnessCriteria", "outcome");

        body["seriousnessCriteria"] = new JsonArray("death");
        body["outcome"] = "fatal";
        Assert.True(OutcomeBodyParser.AdverseEvent(body.ToJsonString()).IsValid);

        body["serious"] = false;
        body.Remove("seriousnessCriteria");
        body.Remove("sponsorReportSentAt");
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(body.ToJsonString()), "serious");
    }

    [Fact]
    public void DeathCriterionOrFatalOutcomeBelowGrade5_IsAnErrorAtGrade()
    {
        var body = Body(AdverseEventJson);
        body["seriousnessCriteria"] = new JsonArray("death");
        body["outcome"] = "fatal";
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(body.ToJsonString()), "grade", "grade");
    }

    [Fact]
    public void FollowUpAndCorrection_NeedTheEventIdAndACorrectionItsReason()
    {
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(With(AdverseEventJson, "change", "\"follow_up\"")), "adverseEventId");
        var correction = Body(AdverseEventJson);
        correction["change"] = "correction";
        correction["adverseEventId"] = "ae_1";
        AssertErrorsAt(OutcomeBodyParser.AdverseEvent(correction.ToJsonString()), "changeReason");
        correction["changeReason"] = "Onset date misread.";
        var parsed = OutcomeBodyParser.AdverseEvent(correction.ToJsonString()).Value!;
        Assert.Equal(("ae_1", AdverseEventChange.Correction, "Onset date misread."), (parsed.AdverseEventId, parsed.Change, parsed.ChangeReason));
    }

    [Theory]
    [InlineData("""{ "date": "2027-05-01" }""", "status")]
    [InlineData("""{ "status": "dead", "date": "2027-05-01" }""", "status")]
    [InlineData("""{ "status": "died", "date": "2027-05-01" }""", "cause")]
    [InlineData("""{ "status": "died", "cause": "sarcoma" }""", "date")]
    [InlineData("""{ "status": "alive", "date": "2027-05-01", "cause": "sarcoma" }""", "cause")]
    [InlineData("""{ "status": "withdrawn", "date": "2027-05-01", "reasonCode": "duplicate_registration" }""", "reasonCode")]
    [InlineData("""{ "status": "lost_to_follow_up", "date": "2027-05-01" }""", "date", "lastKnownAliveOn")]
    [InlineData("""{ "status": "allocated_in_error" }""", "reasonCode")]
    [InlineData("""{ "status": "alive", "date": "2027-05-01", "correctsRecord": 0, "correctionReason": "x" }""", "correctsRecord")]
    [InlineData("""{ "status": "alive", "date": "2027-05-01", "correctsRecord": 3 }""", "correctionReason")]
    [InlineData("""{ "status": "alive", "date": "2027-05-01", "correctionReason": "x" }""", "correctsRecord")]
    [InlineData("""{ "status": "alive", "date": "2027-05-01", "note": "x" }""", "note")]
    public void BadStatusBody_IsAnErrorAtItsPath(string json, params string[] paths) =>
        AssertErrorsAt(OutcomeBodyParser.Status(json), paths);

    [Fact]
    public void AcceptedPropertyNames_MatchTheRecords()
    {
        Assert.Equal(["imagingDate", "result", "modality", "comment"], OutcomeBodyParser.AssessmentFields);
        Assert.Equal(typeof(DiseaseAssessment).GetConstructors()[0].GetParameters().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!)),
            OutcomeBodyParser.AssessmentFields);
        Assert.Equal(typeof(Relatedness).GetConstructors()[0].GetParameters().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!)),
            OutcomeBodyParser.RelatednessFields);
        var factFields = typeof(AdverseEventFacts).GetConstructors()[0].GetParameters().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!));
        Assert.Equal(["adverseEventId", "change", "changeReason", .. factFields], OutcomeBodyParser.AdverseEventFields);
    }
}
