using System.Text.Json.Nodes;

namespace RpsServerless.Cli.Tests;

public sealed class ScreeningEvaluateCommandTests : IDisposable
{
    private const string EligibleDdlps = """
        {
          "siteId": "PKUIH", "screeningNumber": "PKUIH-S-0042", "screenedOn": "2026-11-20",
          "patient": { "ageYears": 58, "sex": "female", "asaClass": 2, "reproductivePotential": true,
            "pregnantOrBreastfeeding": false, "agreesToContraception": true, "secondMalignancyHistory": false,
            "psychologicalCondition": false, "informedConsentSigned": true },
          "tumor": { "histology": "DDLPS", "histologyConfirmedByBiopsy": true, "fnclccGrade": 3, "maxDiameterCm": 21.0,
            "originSite": "retroperitoneum", "crossesDiaphragm": false, "extendsIntoChestCavity": false,
            "metastasis": "none", "mdm2Ihc": "positive", "cdk4Ihc": "positive", "mdm2Fish": "not_done",
            "sftMitosesPer10Hpf": null, "sftNecrosisPercent": null },
          "history": { "priorResection": false, "laparotomyBiopsyOnly": false, "priorChemotherapy": false,
            "priorRadiotherapy": false, "priorTargetedTherapy": false, "priorAnthracycline": false,
            "priorIfosfamide": false, "severeContraindicationWithin6Months": false,
            "severeInfectionWithin1Month": false, "highBleedingRiskSurgeryWithin1Month": false },
          "mdt": { "reviewedOn": "2026-11-18", "r0R1ResectionFeasible": true,
            "fitForChemotherapyAndSurgery": true, "organFunction": "normal" }
        }
        """;

    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files) File.Delete(file);
    }

    private string InputFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rps-screening-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        _files.Add(path);
        return path;
    }

    private static string With(string json, Action<JsonObject> change)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        change(body);
        return body.ToJsonString();
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = RpsCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void ScreeningEvaluate_IsARegisteredCommand() =>
        Assert.Contains(RpsCli.Commands, c => c.Words.SequenceEqual(["screening", "evaluate"]));

    [Fact]
    public void OneSubmission_PrintsItsEvaluationAsTheApiFields()
    {
        var (exit, output, error) = Run("screening", "evaluate", "--input", InputFile(EligibleDdlps));

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        var evaluation = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(["outcome", "criteria", "warnings", "derived"], evaluation.Select(p => p.Key));
        Assert.Equal("eligible", (string?)evaluation["outcome"]);
        Assert.Equal(23, evaluation["criteria"]!.AsArray().Count);
        Assert.Equal("MDM2_FISH_NOT_DONE", (string?)evaluation["warnings"]![0]!["code"]);
        Assert.Equal("DDLPS", (string?)evaluation["derived"]!["stratum"]);
    }

    [Fact]
    public void ExplicitProtocolVersion_IsUsed() =>
        Assert.Equal(0, Run("screening", "evaluate", "--input", InputFile(EligibleDdlps), "--protocol", "NATARS-1.0").Exit);

    [Fact]
    public void ArrayOfSubmissions_PrintsAnArrayInInputOrder()
    {
        var young = With(EligibleDdlps, b => b["patient"]!["ageYears"] = 17);
        var unknownConsent = With(EligibleDdlps, b => b["patient"]!["informedConsentSigned"] = null);
        var (exit, output, _) = Run("screening", "evaluate", "--input", InputFile($"[{EligibleDdlps}, {young}, {unknownConsent}]"));

        Assert.Equal(0, exit);
        var outcomes = JsonNode.Parse(output)!.AsArray().Select(e => (string?)e!["outcome"]);
        Assert.Equal(["eligible", "ineligible", "incomplete"], outcomes);
    }

    [Fact]
    public void EmptyArray_PrintsAnEmptyArray()
    {
        var (exit, output, _) = Run("screening", "evaluate", "--input", InputFile("[]"));
        Assert.Equal(0, exit);
        Assert.Empty(JsonNode.Parse(output)!.AsArray());
    }

    [Fact]
    public void InvalidSubmissionInAnArray_PrintsIndexedFieldPathsAndExitsTwo()
    {
        var badHistology = With(EligibleDdlps, b => b["tumor"]!["histology"] = "liposarcoma");
        var (exit, output, error) = Run("screening", "evaluate", "--input", InputFile($"[{EligibleDdlps}, {EligibleDdlps}, {badHistology}, 7]"));

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("[2].tumor.histology: Unknown value 'liposarcoma'", error);
        Assert.Contains("[3]: The body must be a JSON object", error);
    }

    [Fact]
    public void InvalidSingleSubmission_PrintsFieldPathsAndExitsTwo()
    {
        var (exit, _, error) = Run("screening", "evaluate", "--input", InputFile(With(EligibleDdlps, b => b.Remove("siteId"))));
        Assert.Equal(2, exit);
        Assert.Contains("siteId: Required.", error);
    }

    [Fact]
    public void MalformedJsonFile_ExitsTwoWithABodyError()
    {
        var (exit, _, error) = Run("screening", "evaluate", "--input", InputFile("{ \"siteId\": "));
        Assert.Equal(2, exit);
        Assert.StartsWith("$: Malformed JSON", error);
    }

    [Fact]
    public void UnknownProtocol_ExitsTwoNamingTheKnownVersions()
    {
        var (exit, _, error) = Run("screening", "evaluate", "--input", InputFile(EligibleDdlps), "--protocol", "NATARS-9.9");
        Assert.Equal(2, exit);
        Assert.Contains("NATARS-9.9", error);
        Assert.Contains("NATARS-1.0", error);
    }

    [Fact]
    public void MissingInputFile_ExitsTwo()
    {
        var (exit, _, error) = Run("screening", "evaluate", "--input", Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.json"));
        Assert.Equal(2, exit);
        Assert.StartsWith("Cannot read", error);
    }

    [Fact]
    public void WithoutInputOption_IsAUsageError()
    {
        var (exit, _, error) = Run("screening", "evaluate");
        Assert.Equal(2, exit);
        Assert.Contains("--input", error);
    }
}
