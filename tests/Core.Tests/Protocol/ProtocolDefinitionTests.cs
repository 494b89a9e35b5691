using System.Text.Json.Nodes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Protocol;

public class ProtocolDefinitionTests
{
    private static string EmbeddedJson()
    {
        using var stream = typeof(ProtocolCatalog).Assembly.GetManifestResourceStream("RpsServerless.Core.Protocol.NATARS-1.0.json")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private static ProtocolDefinitionException ParseBroken(Action<JsonNode> breakIt)
    {
        var node = JsonNode.Parse(EmbeddedJson())!;
        breakIt(node);
        return Assert.Throws<ProtocolDefinitionException>(() => ProtocolCatalog.Parse(node.ToJsonString(), "NATARS-1.0"));
    }

    [Fact]
    public void Natars10_LoadsWithTheRegisteredNumbers()
    {
        var p = ProtocolCatalog.Get("NATARS-1.0");

        Assert.Equal("NATARS-1.0", p.Version);
        Assert.Equal("NCT05844813", p.Trial.RegistryId);
        Assert.Equal(new DateOnly(2027, 11, 1), p.Trial.StudyEndDate);
        Assert.Equal(new IntRange(18, 75), p.Eligibility.AgeYears);
        Assert.Equal([Histology.Ddlps, Histology.Lms, Histology.Ups, Histology.Sft], p.Eligibility.EligibleHistologies);
        Assert.Equal(10.0m, p.Eligibility.LmsMinDiameterCm);
        Assert.Equal(6, p.Eligibility.SftMinRiskScore);
        Assert.Equal(3, p.Eligibility.MaxAsaClass);
        Assert.Equal([4, 6], p.Allocation.BlockSizes);
        Assert.Equal(AllocationMethod.PermutedBlocks, p.Allocation.Method);
        Assert.Equal(0.8, p.Allocation.Minimisation.PreferredArmProbability);
        Assert.Equal(new TimeOnly(8, 0), p.Schedule.ReminderLocalTime);
        Assert.Equal(["PKUIH", "BFH", "XJTU1", "PKUFH", "FUSCC", "ZSH", "QDUAH"], p.Sites.Select(s => s.Id));
        Assert.All(p.Sites, s => Assert.Equal("Asia/Shanghai", s.TimeZone));
    }

    [Fact]
    public void Natars10_CatalogueHasEveryCriterionInOrder()
    {
        var ids = ProtocolCatalog.Get().Eligibility.Criteria.Select(c => c.Id);

        Assert.Equal(
            ["I01", "I02", "I03", "I04", "I05", "I06", "I07", "I08", "I09", "I10", "I11", "I12", "I13", "I14",
             "E01", "E02", "E03", "E04", "E05", "E06", "E07", "E08", "E09", "E10"], ids);
    }

    [Fact]
    public void Catalog_ListsTheEmbeddedVersions() => Assert.Contains("NATARS-1.0", ProtocolCatalog.Versions);

    [Fact]
    public void UnknownVersion_FailsNamingTheKnownOnes()
    {
        var e = Assert.Throws<ProtocolDefinitionException>(() => ProtocolCatalog.Get("NATARS-9.9"));
        Assert.Contains("NATARS-1.0", e.Errors.Single().Message);
    }

    [Fact]
    public void WrongType_FailsWithThePathOfTheValue()
    {
        var e = ParseBroken(n => n["eligibility"]!["ageYears"]!["min"] = "eighteen");
        Assert.Equal("$.eligibility.ageYears.min", e.Errors.Single().Path);
    }

    [Fact]
    public void UnknownProperty_FailsRatherThanBeingIgnored()
    {
        var e = ParseBroken(n => n["allocation"]!["blockSize"] = 4);
        Assert.StartsWith("$.allocation", e.Errors.Single().Path);
    }

    [Fact]
    public void MissingRequiredValue_Fails()
    {
        var e = ParseBroken(n => n["trial"]!.AsObject().Remove("studyEndDate"));
        Assert.Contains("studyEndDate", e.Message);
    }

    [Fact]
    public void BlockSizeTwo_IsRejected()
    {
        var e = ParseBroken(n => n["allocation"]!["blockSizes"] = new JsonArray(2, 4));
        Assert.Contains(e.Errors, err => err.Path == "$.allocation.blockSizes[0]");
    }

    [Fact]
    public void OddBlockSize_IsRejectedForOneToOne()
    {
        var e = ParseBroken(n => n["allocation"]!["blockSizes"] = new JsonArray(4, 5));
        Assert.Contains(e.Errors, err => err.Path == "$.allocation.blockSizes[1]");
    }

    [Fact]
    public void AnchorToALaterVisit_IsRejected()
    {
        var e = ParseBroken(n => n["schedule"]!["visits"]![0]!["anchor"] = "C3D1");
        Assert.Contains(e.Errors, err => err.Path == "$.schedule.visits[0].anchor");
    }

    [Fact]
    public void GapInSftRiskGroups_IsRejected()
    {
        var e = ParseBroken(n => n["sftRiskScore"]!["riskGroups"]![1]!["minScore"] = 5);
        Assert.Contains(e.Errors, err => err.Path == "$.sftRiskScore.riskGroups");
    }

    [Fact]
    public void UnknownTimeZone_IsRejected()
    {
        var e = ParseBroken(n => n["sites"]![2]!["timeZone"] = "Asia/Atlantis");
        Assert.Contains(e.Errors, err => err.Path == "$.sites[2].timeZone");
    }

    [Fact]
    public void DuplicateCriterionId_IsRejected()
    {
        var e = ParseBroken(n => n["eligibility"]!["criteria"]![1]!["id"] = "I01");
        Assert.Contains(e.Errors, err => err.Path == "$.eligibility.criteria" && err.Message.Contains("I01"));
    }

    [Fact]
    public void LandmarkThatIsNotAScheduledVisit_IsRejected()
    {
        var e = ParseBroken(n => n["schedule"]!["primaryEndpointLandmarks"]![1] = "FU37");
        Assert.Contains(e.Errors, err => err.Path == "$.schedule.primaryEndpointLandmarks[1]");
    }

    [Fact]
    public void EveryBrokenValue_IsReportedNotJustTheFirst()
    {
        var e = ParseBroken(n =>
        {
            n["eligibility"]!["maxAsaClass"] = 9;
            n["allocation"]!["minimisation"]!["preferredArmProbability"] = 0.4;
        });
        Assert.Contains(e.Errors, err => err.Path == "$.eligibility.maxAsaClass");
        Assert.Contains(e.Errors, err => err.Path == "$.allocation.minimisation.preferredArmProbability");
    }

    [Fact]
    public void VisitIdThatIsNotATableRowKeyToken_IsRejected()
    {
        var e = ParseBroken(n => n["schedule"]!["visits"]![0]!["id"] = "C1/D1");
        Assert.Contains(e.Errors, err => err.Path == "$.schedule.visits[0].id");
    }

    [Fact]
    public void FollowUpLabelThatCannotTakeTheMonth_IsRejected()
    {
        var e = ParseBroken(n => n["schedule"]!["followUp"]![1]!["label"] = "Follow-up month {1}");
        Assert.Contains(e.Errors, err => err.Path == "$.schedule.followUp[1].label");
    }
}
