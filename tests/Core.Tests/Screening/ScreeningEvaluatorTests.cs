using System.Text.Json.Nodes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

public class ScreeningEvaluatorTests
{
    public static TheoryData<string> Strata => ["DDLPS", "LMS", "UPS", "SFT"];

    private static ScreeningSubmission Eligible(string stratum) => stratum switch
    {
        "DDLPS" => Screenings.EligibleDdlps(),
        "LMS" => Screenings.EligibleLms(),
        "UPS" => Screenings.EligibleUps(),
        "SFT" => Screenings.EligibleSft(),
        _ => throw new ArgumentOutOfRangeException(nameof(stratum)),
    };

    [Theory]
    [MemberData(nameof(Strata))]
    public void CompleteScreeningOfEachStratum_IsEligible(string stratum)
    {
        var result = Eligible(stratum).Evaluate();

        Assert.Equal(EligibilityOutcome.Eligible, result.Outcome);
        Assert.All(result.Criteria, c => Assert.Contains(c.Status, new[] { CriterionStatus.Pass, CriterionStatus.NotApplicable }));
        Assert.Equal(stratum, result.Derived.Stratum);
        Assert.Equal("NATARS-1.0", result.ProtocolVersion);
    }

    [Fact]
    public void EligibleSft_ReportsItsHighRiskScore()
    {
        var derived = Screenings.EligibleSft().Evaluate().Derived;
        Assert.Equal(new DerivedValues("SFT", 6, "high"), derived);
    }

    [Fact]
    public void EligibleDdlps_HasNoSftScore() =>
        Assert.Equal(new DerivedValues("DDLPS", null, null), Screenings.EligibleDdlps().Evaluate().Derived);

    [Fact]
    public void HistologyOutsideTheStrata_HasNoStratum() =>
        Assert.Null(Screenings.EligibleDdlps().WithTumor(t => t with { Histology = Histology.Wdlps }).Evaluate().Derived.Stratum);

    [Fact]
    public void EveryCriterionExceptE02_IsListedInCatalogueOrderWithItsKind()
    {
        var catalogue = Screenings.Natars.Eligibility.Criteria.Where(c => c.Id != "E02").ToList();
        var result = Screenings.EligibleDdlps().Evaluate();

        Assert.Equal(catalogue.Select(c => c.Id), result.Criteria.Select(c => c.Id));
        Assert.Equal(catalogue.Select(c => c.Kind), result.Criteria.Select(c => c.Kind));
        Assert.Null(result.Criterion("E02"));
    }

    [Fact]
    public void AFailBeatsAMissing_OutcomeIsIneligible()
    {
        var result = Screenings.EligibleDdlps()
            .WithPatient(p => p with { AgeYears = 17, InformedConsentSigned = null })
            .Evaluate();

        Assert.Equal(CriterionStatus.Missing, result.Criterion("I14")!.Status);
        Assert.Equal(EligibilityOutcome.Ineligible, result.Outcome);
    }

    [Fact]
    public void AMissingWithoutAnyFail_OutcomeIsIncomplete() =>
        Assert.Equal(EligibilityOutcome.Incomplete,
            Screenings.EligibleDdlps().WithPatient(p => p with { InformedConsentSigned = null }).Evaluate().Outcome);

    [Fact]
    public void ScreeningWithEveryClinicalFieldUnknown_PassesNothingAndIsIncomplete()
    {
        var unknown = new ScreeningSubmission("PKUIH", null, new DateOnly(2026, 11, 20), new Patient(), new Tumor(), new History(), new Mdt());
        var result = unknown.Evaluate();

        Assert.Equal(EligibilityOutcome.Incomplete, result.Outcome);
        Assert.All(result.Criteria, c => Assert.Equal(CriterionStatus.Missing, c.Status));
        Assert.Equal(new DerivedValues(null, null, null), result.Derived);
    }

    [Fact]
    public void EveryReason_IsOneSentenceEndingWithAFullStop()
    {
        var submissions = new[]
        {
            Screenings.EligibleDdlps(), Screenings.EligibleLms(), Screenings.EligibleUps(), Screenings.EligibleSft(),
            new ScreeningSubmission("PKUIH", null, new DateOnly(2026, 11, 20), new Patient(), new Tumor(), new History(), new Mdt()),
            Screenings.EligibleDdlps()
                .WithPatient(p => p with { AgeYears = 80, AsaClass = 5, PregnantOrBreastfeeding = true, SecondMalignancyHistory = true })
                .WithTumor(t => t with { Mdm2Ihc = IhcResult.Negative, FnclccGrade = 1, Metastasis = Metastasis.Confirmed, OriginSite = OriginSite.Uterus })
                .WithHistory(h => h with { PriorChemotherapy = true, PriorIfosfamide = true, SevereInfectionWithin1Month = true })
                .WithMdt(m => m with { OrganFunction = OrganFunction.Failure, R0R1ResectionFeasible = false }),
        };
        foreach (var criterion in submissions.SelectMany(s => s.Evaluate().Criteria))
        {
            Assert.False(string.IsNullOrWhiteSpace(criterion.Reason), criterion.Id);
            Assert.EndsWith(".", criterion.Reason);
            Assert.True(char.IsUpper(criterion.Reason[0]), $"{criterion.Id}: {criterion.Reason}");
            Assert.DoesNotContain(". ", criterion.Reason.TrimEnd('.'));
        }
    }

    [Fact]
    public void CatalogueAndRules_NameTheSameCriteria()
    {
        var screened = Screenings.Natars.Eligibility.Criteria
            .Where(c => c.AppliesTo != CriterionDefinition.AppliesAfterSurgery)
            .Select(c => c.Id).Order().ToList();
        var afterSurgery = Screenings.Natars.Eligibility.Criteria
            .Where(c => c.AppliesTo == CriterionDefinition.AppliesAfterSurgery)
            .Select(c => c.Id).ToList();

        Assert.Equal(screened, EligibilityCriteria.Rules.Keys.Order().ToList());
        Assert.Equal([FinalPathologyExclusion.CriterionId], afterSurgery);
    }

    [Fact]
    public void ProtocolWithACriterionThisBuildHasNoRuleFor_IsRefusedRatherThanSkipped()
    {
        var natars = Screenings.Natars;
        var amended = natars with
        {
            Eligibility = natars.Eligibility with
            {
                Criteria = [.. natars.Eligibility.Criteria, new CriterionDefinition("E11", CriterionKind.Exclusion, "all", "New.")],
            },
        };
        var e = Assert.Throws<InvalidOperationException>(() => ScreeningEvaluator.Evaluate(Screenings.EligibleDdlps(), amended));
        Assert.Contains("E11", e.Message);
    }

    [Fact]
    public void Thresholds_ComeFromTheProtocolDefinition()
    {
        var natars = Screenings.Natars;
        var amended = natars with
        {
            Version = "NATARS-TEST",
            Eligibility = natars.Eligibility with { AgeYears = new IntRange(18, 80), LmsMinDiameterCm = 8m },
        };
        var older = Screenings.EligibleLms().WithPatient(p => p with { AgeYears = 78 }).WithTumor(t => t with { MaxDiameterCm = 9m });

        var result = ScreeningEvaluator.Evaluate(older, amended);

        Assert.Equal(EligibilityOutcome.Eligible, result.Outcome);
        Assert.Equal("Age 78 is within 18-80 years.", result.Criterion("I01")!.Reason);
        Assert.Equal("NATARS-TEST", result.ProtocolVersion);
    }

    [Fact]
    public void Evaluation_IsDeterministic()
    {
        var submission = Screenings.EligibleDdlps().WithTumor(t => t with { Mdm2Fish = FishResult.NotDone });
        var first = System.Text.Json.JsonSerializer.Serialize(submission.Evaluate(), ScreeningJson.Options);
        var second = System.Text.Json.JsonSerializer.Serialize(submission.Evaluate(), ScreeningJson.Options);
        Assert.Equal(first, second);
    }

    [Fact]
    public void EvaluatingOneScreening_AllocatesLessThan16Kilobytes()
    {
        var submission = Screenings.EligibleDdlps().WithTumor(t => t with { Mdm2Fish = FishResult.NotDone, Cdk4Ihc = IhcResult.NotDone });
        var protocol = Screenings.Natars;
        for (var i = 0; i < 50; i++) ScreeningEvaluator.Evaluate(submission, protocol);

        const int runs = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < runs; i++) ScreeningEvaluator.Evaluate(submission, protocol);
        var perEvaluation = (GC.GetAllocatedBytesForCurrentThread() - before) / runs;

        Assert.True(perEvaluation < 16 * 1024, $"{perEvaluation} bytes per evaluation");
    }

    [Fact]
    public void Result_SerialisesToTheApiShape()
    {
        var result = Screenings.EligibleLms().WithTumor(t => t with { Mdm2Fish = FishResult.NotDone }).Evaluate();
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(result, ScreeningJson.Options))!.AsObject();

        Assert.Equal(["outcome", "criteria", "warnings", "derived"], json.Select(p => p.Key));
        Assert.Equal("eligible", (string?)json["outcome"]);
        var i05 = json["criteria"]![4]!.AsObject();
        Assert.Equal(["id", "kind", "status", "reason"], i05.Select(p => p.Key));
        Assert.Equal("I05", (string?)i05["id"]);
        Assert.Equal("inclusion", (string?)i05["kind"]);
        Assert.Equal("not_applicable", (string?)i05["status"]);
        Assert.Equal("exclusion", (string?)json["criteria"]![14]!["kind"]);
        Assert.Empty(json["warnings"]!.AsArray());
        var derived = json["derived"]!.AsObject();
        Assert.Equal(["stratum", "sftRiskScore", "sftRiskGroup"], derived.Select(p => p.Key));
        Assert.Equal("LMS", (string?)derived["stratum"]);
        Assert.Null(derived["sftRiskScore"]);
    }

    [Fact]
    public void Warnings_SerialiseWithCodeAndMessage()
    {
        var result = Screenings.EligibleDdlps().WithTumor(t => t with { Mdm2Fish = FishResult.NotDone }).Evaluate();
        var warning = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(result, ScreeningJson.Options))!["warnings"]![0]!.AsObject();

        Assert.Equal(["code", "message"], warning.Select(p => p.Key));
        Assert.Equal("MDM2_FISH_NOT_DONE", (string?)warning["code"]);
    }
}
