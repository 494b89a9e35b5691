using static RpsServerless.Functions.Tests.Outcomes.OutcomeHarness;

namespace RpsServerless.Functions.Tests.Outcomes;

public class AssessmentAndPathologyRouteTests
{
    private const string Scan = """{ "imagingDate": "2027-02-20", "result": "stable", "modality": "ct" }""";

    private static Task<TestHttp.Written> AssessAsync(OutcomeHarness h, string json, string participantId = ParticipantId) =>
        h.PostAsync(r => h.Functions.RecordAssessment(r, participantId, default), $"/api/participants/{participantId}/assessments", json);

    private static Task<TestHttp.Written> PathologyAsync(OutcomeHarness h, string json) =>
        h.PostAsync(r => h.Functions.RecordFinalPathology(r, ParticipantId, default), $"/api/participants/{ParticipantId}/pathology", json);

    private static Task<TestHttp.Written> CorrectPathologyAsync(OutcomeHarness h, string json) =>
        h.PostAsync(r => h.Functions.CorrectFinalPathology(r, ParticipantId, default), "/x", json);

    [Fact]
    public async Task Assessment_Is201_AndStored()
    {
        var harness = new OutcomeHarness();
        var response = await AssessAsync(harness, Scan);
        Assert.Equal(201, response.Status);
        Assert.Equal("stable", response.Json.GetProperty("result").GetString());
        Assert.Equal("2027-02-20", response.Json.GetProperty("imagingDate").GetString());
        Assert.Single(harness.Assessments.Records);
    }

    [Theory]
    [InlineData("""{ "imagingDate": "2027-02-20" }""", "result")]
    [InlineData("""{ "imagingDate": "2027-02-30", "result": "stable" }""", "imagingDate")]
    [InlineData("""{ "imagingDate": "2027-02-20", "result": "better" }""", "result")]
    [InlineData("""{ "imagingDate": "2027-02-20", "result": "stable", "recist": 1 }""", "recist")]
    public async Task InvalidAssessment_Is400_AtItsFieldPath(string json, string path)
    {
        var response = await AssessAsync(new OutcomeHarness(), json);
        Assert.Equal(400, response.Status);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty(path, out _), response.Body);
    }

    [Theory]
    [InlineData("2027-01-03", "before the allocation date")]
    [InlineData("2027-03-02", "in the future (today at the site is 2027-03-01)")]
    public async Task AssessmentOutsideAllocationToToday_Is400_WithTheReason(string date, string reason)
    {
        var harness = new OutcomeHarness();
        var response = await AssessAsync(harness, Scan.Replace("2027-02-20", date));
        Assert.Equal(400, response.Status);
        Assert.Contains(reason, response.Json.GetProperty("errors").GetProperty("imagingDate")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(harness.Assessments.Records);
    }

    [Fact]
    public async Task Assessment_ForAnUnknownParticipant_Is404()
    {
        Assert.Equal(404, (await AssessAsync(new OutcomeHarness(), Scan, "NATARS-PKUIH-0404")).Status);
    }

    [Fact]
    public async Task AssessmentCorrection_IsANewRecordWithItsReason_AndOnlyTheLatestCanBeCorrected()
    {
        var harness = new OutcomeHarness();
        var first = (await AssessAsync(harness, Scan)).Json.GetProperty("assessmentId").GetString()!;
        var body = $$"""{ "reason": "Read against the wrong baseline", "assessment": {{Scan.Replace("stable", "progression")}} }""";

        var corrected = await harness.PostAsync(r => harness.Functions.CorrectAssessment(r, ParticipantId, first, default), "/x", body);
        Assert.Equal(201, corrected.Status);
        Assert.Equal(first, corrected.Json.GetProperty("correctsAssessmentId").GetString());
        Assert.Equal("Read against the wrong baseline", corrected.Json.GetProperty("correctionReason").GetString());
        Assert.Equal(2, harness.Assessments.Records.Count);
        Assert.Equal("stable", harness.Assessments.Records[0].Assessment.Result.ToString().ToLowerInvariant());

        Assert.Equal(409, (await harness.PostAsync(r => harness.Functions.CorrectAssessment(r, ParticipantId, first, default), "/x", body)).Status);
        var noReason = await harness.PostAsync(r => harness.Functions.CorrectAssessment(r, ParticipantId, first, default), "/x",
            $$"""{ "assessment": {{Scan.Replace("\"stable\"", "\"sideways\"")}} }""");
        Assert.Equal(400, noReason.Status);
        Assert.True(noReason.Json.GetProperty("errors").TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task FinalPathologyWdlps_ExcludesUnderE02_WithAnExclusionRecord()
    {
        var harness = new OutcomeHarness();
        var response = await PathologyAsync(harness, """{ "reportDate": "2027-02-25", "histology": "WDLPS", "fnclccGrade": 1 }""");

        Assert.Equal(201, response.Status);
        Assert.True(response.Json.GetProperty("excludedAfterAllocation").GetBoolean());
        Assert.Contains("WDLPS", response.Json.GetProperty("exclusionReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("fail", response.Json.GetProperty("reports")[0].GetProperty("e02Status").GetString());
        var exclusion = Assert.Single(harness.Pathology.Exclusions);
        Assert.Equal(("E02", true, new DateOnly(2027, 2, 25)), (exclusion.CriterionId, exclusion.Excluded, exclusion.EffectiveOn));
        Assert.NotNull(await harness.Pathology.ExclusionInForceAsync(ParticipantId, default));
    }

    [Fact]
    public async Task FinalPathologyDdlpsGrade2_Passes_WithoutExclusion()
    {
        var harness = new OutcomeHarness();
        var response = await PathologyAsync(harness, """{ "reportDate": "2027-02-25", "histology": "DDLPS", "fnclccGrade": 2 }""");
        Assert.Equal(201, response.Status);
        Assert.False(response.Json.GetProperty("excludedAfterAllocation").GetBoolean());
        Assert.Equal("pass", response.Json.GetProperty("reports")[0].GetProperty("e02Status").GetString());
        Assert.Empty(harness.Pathology.Exclusions);
    }

    [Fact]
    public async Task SecondReport_Is409_AndACorrectionLiftsTheExclusion_KeepingBothRecords()
    {
        var harness = new OutcomeHarness();
        await PathologyAsync(harness, """{ "reportDate": "2027-02-25", "histology": "DDLPS", "fnclccGrade": 1 }""");
        Assert.Equal(409, (await PathologyAsync(harness, """{ "reportDate": "2027-02-26", "histology": "DDLPS", "fnclccGrade": 3 }""")).Status);

        var corrected = await CorrectPathologyAsync(harness,
            """{ "reason": "Central review: grade 3", "report": { "reportDate": "2027-02-27", "histology": "DDLPS", "fnclccGrade": 3 } }""");
        Assert.Equal(200, corrected.Status);
        Assert.False(corrected.Json.GetProperty("excludedAfterAllocation").GetBoolean());
        Assert.Equal(2, corrected.Json.GetProperty("reports").GetArrayLength());
        Assert.Equal([true, false], harness.Pathology.Exclusions.Select(x => x.Excluded));
        Assert.Null(await harness.Pathology.ExclusionInForceAsync(ParticipantId, default));
    }

    [Fact]
    public async Task PathologyCorrection_ErrorsArePlacedUnderReport()
    {
        var harness = new OutcomeHarness();
        await PathologyAsync(harness, """{ "reportDate": "2027-02-25", "histology": "DDLPS", "fnclccGrade": 2 }""");
        var response = await CorrectPathologyAsync(harness, """{ "reason": "typo", "report": { "reportDate": "2027-02-25", "histology": "XYZ" } }""");
        Assert.Equal(400, response.Status);
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("report.histology", out _), response.Body);
    }

    [Fact]
    public async Task PathologyCorrection_WithNothingToCorrect_Is409()
    {
        var response = await CorrectPathologyAsync(new OutcomeHarness(),
            """{ "reason": "x", "report": { "reportDate": "2027-02-25", "histology": "DDLPS", "fnclccGrade": 2 } }""");
        Assert.Equal(409, response.Status);
    }
}
