using RpsServerless.Core.Screening;
using static RpsServerless.Core.Screening.CriterionStatus;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>Each criterion of protocol.md §2 both ways, and missing where a value can be unknown.</summary>
public class EligibilityCriteriaTests
{
    private static readonly ScreeningSubmission Ddlps = Screenings.EligibleDdlps();

    // I01 ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(18)]
    [InlineData(58)]
    [InlineData(75)]
    public void ScreeningAgedWithin18To75_PassesI01(int age)
    {
        var result = Ddlps.WithPatient(p => p with { AgeYears = age }).Criterion("I01");
        Assert.Equal(Pass, result.Status);
        Assert.Equal($"Age {age} is within 18-75 years.", result.Reason);
    }

    [Fact]
    public void ScreeningAged17_FailsI01NamingTheMinimum()
    {
        var result = Ddlps.WithPatient(p => p with { AgeYears = 17 }).Criterion("I01");
        Assert.Equal(Fail, result.Status);
        Assert.Equal("Age 17 is below the minimum of 18 years.", result.Reason);
    }

    [Fact]
    public void ScreeningAged76_FailsI01NamingTheMaximum()
    {
        var result = Ddlps.WithPatient(p => p with { AgeYears = 76 }).Criterion("I01");
        Assert.Equal(Fail, result.Status);
        Assert.Equal("Age 76 is above the maximum of 75 years.", result.Reason);
    }

    [Fact]
    public void ScreeningWithoutAge_IsMissingI01() =>
        Assert.Equal(Missing, Ddlps.WithPatient(p => p with { AgeYears = null }).Criterion("I01").Status);

    // I02 ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Histology.Ddlps)]
    [InlineData(Histology.Lms)]
    [InlineData(Histology.Ups)]
    [InlineData(Histology.Sft)]
    public void BiopsyProvenEligibleHistology_PassesI02(Histology histology) =>
        Assert.Equal(Pass, Ddlps.WithTumor(t => t with { Histology = histology }).Criterion("I02").Status);

    [Theory]
    [InlineData(Histology.Wdlps)]
    [InlineData(Histology.Mlps)]
    [InlineData(Histology.Other)]
    public void HistologyOutsideI02_FailsI02AndMakesI05ToI08NotApplicable(Histology histology)
    {
        var result = Ddlps.WithTumor(t => t with { Histology = histology }).Evaluate();

        Assert.Equal(Fail, result.Criterion("I02")!.Status);
        Assert.Contains("DDLPS, LMS, UPS or SFT", result.Criterion("I02")!.Reason);
        foreach (var id in new[] { "I05", "I06", "I07", "I08" })
            Assert.Equal(NotApplicable, result.Criterion(id)!.Status);
        Assert.Equal(EligibilityOutcome.Ineligible, result.Outcome);
    }

    [Fact]
    public void HistologyNotProvenOnBiopsy_FailsI02() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { HistologyConfirmedByBiopsy = false }).Criterion("I02").Status);

    [Fact]
    public void BiopsyConfirmationUnknown_IsMissingI02() =>
        Assert.Equal(Missing, Ddlps.WithTumor(t => t with { HistologyConfirmedByBiopsy = null }).Criterion("I02").Status);

    [Fact]
    public void HistologyUnknown_IsMissingI02AndEveryHistologySpecificCriterion()
    {
        var result = Ddlps.WithTumor(t => t with { Histology = null }).Evaluate();

        foreach (var id in new[] { "I02", "I05", "I06", "I07", "I08" })
            Assert.Equal(Missing, result.Criterion(id)!.Status);
        Assert.Null(result.Derived.Stratum);
    }

    [Fact]
    public void IneligibleHistologyWithUnknownBiopsyConfirmation_FailsI02RatherThanMissing() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { Histology = Histology.Wdlps, HistologyConfirmedByBiopsy = null })
            .Criterion("I02").Status);

    // I03 ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void UntreatedPrimaryTumour_PassesI03() => Assert.Equal(Pass, Ddlps.Criterion("I03").Status);

    [Fact]
    public void LaparotomyWithBiopsyOnly_PassesI03()
    {
        var result = Ddlps.WithHistory(h => h with { LaparotomyBiopsyOnly = true }).Criterion("I03");
        Assert.Equal(Pass, result.Status);
        Assert.Contains("laparotomy with biopsy only is allowed", result.Reason);
    }

    [Fact]
    public void LaparotomyWithBiopsyOnlyUnknown_DoesNotMakeI03Missing() =>
        Assert.Equal(Pass, Ddlps.WithHistory(h => h with { LaparotomyBiopsyOnly = null }).Criterion("I03").Status);

    [Theory]
    [InlineData("resection")]
    [InlineData("chemotherapy")]
    [InlineData("radiotherapy")]
    [InlineData("targeted therapy")]
    public void AnyPriorTreatment_FailsI03(string treatment)
    {
        var result = Ddlps.WithHistory(h => SetPriorTreatment(h, treatment, true)).Criterion("I03");
        Assert.Equal(Fail, result.Status);
        Assert.Contains($"Prior {treatment} recorded", result.Reason);
    }

    [Theory]
    [InlineData("resection")]
    [InlineData("chemotherapy")]
    [InlineData("radiotherapy")]
    [InlineData("targeted therapy")]
    public void UnknownPriorTreatment_IsMissingI03(string treatment) =>
        Assert.Equal(Missing, Ddlps.WithHistory(h => SetPriorTreatment(h, treatment, null)).Criterion("I03").Status);

    [Fact]
    public void PriorResectionBesideLaparotomyWithBiopsyOnly_FailsI03TellingHowToCorrectTheForm()
    {
        var result = Ddlps.WithHistory(h => h with { PriorResection = true, LaparotomyBiopsyOnly = true }).Criterion("I03");
        Assert.Equal(Fail, result.Status);
        Assert.Contains("record priorResection as false", result.Reason);
    }

    [Fact]
    public void PriorChemotherapyWithUnknownRadiotherapy_FailsI03RatherThanMissing() =>
        Assert.Equal(Fail, Ddlps.WithHistory(h => h with { PriorChemotherapy = true, PriorRadiotherapy = null })
            .Criterion("I03").Status);

    private static History SetPriorTreatment(History h, string treatment, bool? value) => treatment switch
    {
        "resection" => h with { PriorResection = value },
        "chemotherapy" => h with { PriorChemotherapy = value },
        "radiotherapy" => h with { PriorRadiotherapy = value },
        "targeted therapy" => h with { PriorTargetedTherapy = value },
        _ => throw new ArgumentOutOfRangeException(nameof(treatment)),
    };

    // I04 ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, Pass)]
    [InlineData(true, Fail)]
    [InlineData(null, Missing)]
    public void SecondMalignancyHistory_FailsI04AndUnknownIsMissing(bool? history, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithPatient(p => p with { SecondMalignancyHistory = history }).Criterion("I04").Status);

    // I05 ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void DdlpsWithMdm2AndCdk4PositiveAndFishAmplified_PassesI05WithoutWarning()
    {
        var result = Ddlps.Evaluate();
        Assert.Equal(Pass, result.Criterion("I05")!.Status);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void DdlpsWithFishNotDone_PassesI05WithTheFishWarning()
    {
        var result = Ddlps.WithTumor(t => t with { Mdm2Fish = FishResult.NotDone }).Evaluate();

        Assert.Equal(Pass, result.Criterion("I05")!.Status);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("MDM2_FISH_NOT_DONE", warning.Code);
        Assert.Equal(EligibilityOutcome.Eligible, result.Outcome);
    }

    [Fact]
    public void DdlpsWithFishNotAmplified_FailsI05() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { Mdm2Fish = FishResult.NotAmplified }).Criterion("I05").Status);

    [Fact]
    public void DdlpsWithFishUnrecorded_IsMissingI05BecauseItCouldHideAFail() =>
        Assert.Equal(Missing, Ddlps.WithTumor(t => t with { Mdm2Fish = null }).Criterion("I05").Status);

    [Fact]
    public void DdlpsWithMdm2IhcNegative_FailsI05() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { Mdm2Ihc = IhcResult.Negative }).Criterion("I05").Status);

    [Fact]
    public void DdlpsWithCdk4IhcNegative_FailsI05() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { Cdk4Ihc = IhcResult.Negative }).Criterion("I05").Status);

    [Fact]
    public void DdlpsWithMdm2IhcNotDone_IsMissingI05AskingForTheTest()
    {
        var result = Ddlps.WithTumor(t => t with { Mdm2Ihc = IhcResult.NotDone }).Criterion("I05");
        Assert.Equal(Missing, result.Status);
        Assert.Equal("MDM2 IHC not done: perform MDM2 IHC before allocation.", result.Reason);
    }

    [Fact]
    public void DdlpsWithCdk4IhcUnrecorded_IsMissingI05() =>
        Assert.Equal(Missing, Ddlps.WithTumor(t => t with { Cdk4Ihc = null }).Criterion("I05").Status);

    [Fact]
    public void DdlpsWithOneIhcNegativeAndTheOtherNotDone_FailsI05RatherThanMissing() =>
        Assert.Equal(Fail, Ddlps.WithTumor(t => t with { Mdm2Ihc = IhcResult.NotDone, Cdk4Ihc = IhcResult.Negative })
            .Criterion("I05").Status);

    [Fact]
    public void LmsWithoutIhc_IsNotApplicableForI05AndI06()
    {
        var result = Screenings.EligibleLms().Evaluate();
        Assert.Equal(NotApplicable, result.Criterion("I05")!.Status);
        Assert.Equal(NotApplicable, result.Criterion("I06")!.Status);
        Assert.Equal("Applies to DDLPS only; the histology is LMS.", result.Criterion("I05")!.Reason);
    }

    // I06 ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, Fail)]
    [InlineData(2, Pass)]
    [InlineData(3, Pass)]
    [InlineData(null, Missing)]
    public void DdlpsGrade_PassesI06OnlyForGrade2Or3(int? grade, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithTumor(t => t with { FnclccGrade = grade }).Criterion("I06").Status);

    [Fact]
    public void DdlpsGrade1_FailsI06NamingTheEligibleGrades() =>
        Assert.Equal("FNCLCC grade 1 is not eligible: DDLPS requires grade 2 or 3.",
            Ddlps.WithTumor(t => t with { FnclccGrade = 1 }).Criterion("I06").Reason);

    [Theory]
    [InlineData(1, 1, 1, Fail)]   // total 3: G1
    [InlineData(2, 2, 0, Pass)]   // total 4: G2
    [InlineData(3, 3, 2, Pass)]   // total 8: G3
    public void DdlpsGradeFromComponentsOnly_IsDerivedForI06(int differentiation, int mitoses, int necrosis, CriterionStatus expected)
    {
        var result = Ddlps.WithTumor(t => t with
        {
            FnclccGrade = null, FnclccComponents = new FnclccComponents(differentiation, mitoses, necrosis),
        }).Criterion("I06");
        Assert.Equal(expected, result.Status);
        Assert.Contains("derived from its components", result.Reason);
    }

    [Fact]
    public void DdlpsWithIncompleteComponentsAndNoGrade_IsMissingI06() =>
        Assert.Equal(Missing, Ddlps.WithTumor(t => t with { FnclccGrade = null, FnclccComponents = new FnclccComponents(2, null, 1) })
            .Criterion("I06").Status);

    [Fact]
    public void DdlpsGradeDisagreeingWithItsComponents_IsMissingI06NotGuessed() =>
        Assert.Equal(Missing, Ddlps.WithTumor(t => t with { FnclccGrade = 3, FnclccComponents = new FnclccComponents(1, 1, 1) })
            .Criterion("I06").Status);

    // I07 ----------------------------------------------------------------------------------------------------------

    [Fact]
    public void ScreeningOfLmsUnder10Cm_FailsI07()
    {
        var result = Screenings.EligibleLms().WithTumor(t => t with { MaxDiameterCm = 9.9m }).Criterion("I07");
        Assert.Equal(Fail, result.Status);
        Assert.Equal("Largest diameter 9.9 cm is below the 10 cm required for LMS.", result.Reason);
    }

    [Theory]
    [InlineData("10.0")]
    [InlineData("10")]
    [InlineData("30")]
    public void ScreeningOfLmsOf10CmOrMore_PassesI07(string diameter) =>
        Assert.Equal(Pass, Screenings.EligibleLms().WithTumor(t => t with { MaxDiameterCm = decimal.Parse(diameter) })
            .Criterion("I07").Status);

    [Fact]
    public void ScreeningOfLmsJustUnder10Cm_IsNotRoundedUp()
    {
        var result = Screenings.EligibleLms().WithTumor(t => t with { MaxDiameterCm = 9.999m }).Criterion("I07");
        Assert.Equal(Fail, result.Status);
        Assert.Contains("9.999 cm", result.Reason);
    }

    [Fact]
    public void ScreeningOfLmsWithoutSize_IsMissingI07() =>
        Assert.Equal(Missing, Screenings.EligibleLms().WithTumor(t => t with { MaxDiameterCm = null }).Criterion("I07").Status);

    [Fact]
    public void SmallDdlps_IsNotJudgedByTheLmsSizeRule() =>
        Assert.Equal(NotApplicable, Ddlps.WithTumor(t => t with { MaxDiameterCm = 3m }).Criterion("I07").Status);

    // I08 ----------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(54, 14.9, 4, 10, 5, Fail)]   // 0 + 2 + 2 + 1
    [InlineData(55, 10, 4, 10, 6, Pass)]     // 1 + 2 + 2 + 1
    [InlineData(54, 15, 4, 10, 6, Pass)]     // 0 + 3 + 2 + 1
    [InlineData(55, 15, 4, 10, 7, Pass)]     // 1 + 3 + 2 + 1
    [InlineData(55, 15, 3, 9, 5, Fail)]      // 1 + 3 + 1 + 0
    public void SftRiskScore_PassesI08From6(int age, double diameter, int mitoses, double necrosis, int score, CriterionStatus expected)
    {
        var result = Screenings.EligibleSft()
            .WithPatient(p => p with { AgeYears = age })
            .WithTumor(t => t with { MaxDiameterCm = (decimal)diameter, SftMitosesPer10Hpf = mitoses, SftNecrosisPercent = (decimal)necrosis })
            .Evaluate();

        Assert.Equal(expected, result.Criterion("I08")!.Status);
        Assert.Equal(score, result.Derived.SftRiskScore);
        Assert.Contains($"score {score} ", result.Criterion("I08")!.Reason);
    }

    [Fact]
    public void SftScoreOf5_FailsI08NamingScoreGroupAndThreshold() =>
        Assert.Equal("Modified Demicco score 5 (intermediate risk) is below the 6 required for SFT.",
            Screenings.EligibleSft().WithTumor(t => t with { SftNecrosisPercent = 0m }).Criterion("I08").Reason);

    [Theory]
    [InlineData("age")]
    [InlineData("largest diameter")]
    [InlineData("mitoses per 10 HPF")]
    [InlineData("necrosis %")]
    public void SftWithAnUnknownScoreInput_IsMissingI08AndHasNoScore(string input)
    {
        var submission = input switch
        {
            "age" => Screenings.EligibleSft().WithPatient(p => p with { AgeYears = null }),
            "largest diameter" => Screenings.EligibleSft().WithTumor(t => t with { MaxDiameterCm = null }),
            "mitoses per 10 HPF" => Screenings.EligibleSft().WithTumor(t => t with { SftMitosesPer10Hpf = null }),
            _ => Screenings.EligibleSft().WithTumor(t => t with { SftNecrosisPercent = null }),
        };
        var result = submission.Evaluate();

        Assert.Equal(Missing, result.Criterion("I08")!.Status);
        Assert.Contains(input, result.Criterion("I08")!.Reason);
        Assert.Null(result.Derived.SftRiskScore);
        Assert.Null(result.Derived.SftRiskGroup);
    }

    [Fact]
    public void SftWithTheOtherInputsAtMaximum_IsStillMissingWithoutNecrosis()
    {
        // 1 + 3 + 2 already reaches 6: a guess would pass; the protocol says missing, never a guess.
        var result = Screenings.EligibleSft()
            .WithPatient(p => p with { AgeYears = 70 })
            .WithTumor(t => t with { MaxDiameterCm = 30m, SftMitosesPer10Hpf = 20, SftNecrosisPercent = null })
            .Criterion("I08");
        Assert.Equal(Missing, result.Status);
    }

    // I09-I14 ------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false, Pass)]
    [InlineData(true, Fail)]
    [InlineData(null, Missing)]
    public void TumourCrossingTheDiaphragm_FailsI09(bool? crosses, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithTumor(t => t with { CrossesDiaphragm = crosses }).Criterion("I09").Status);

    [Theory]
    [InlineData(true, Pass)]
    [InlineData(false, Fail)]
    [InlineData(null, Missing)]
    public void MdtJudgingR0R1ResectionNotFeasible_FailsI10(bool? feasible, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithMdt(m => m with { R0R1ResectionFeasible = feasible }).Criterion("I10").Status);

    [Theory]
    [InlineData(OrganFunction.Normal, Pass)]
    [InlineData(OrganFunction.MildRecoverable, Pass)]
    [InlineData(OrganFunction.PersistentDysfunction, Fail)]
    [InlineData(OrganFunction.Failure, Fail)]
    [InlineData(null, Missing)]
    public void MultiOrganDysfunction_FailsI11(OrganFunction? function, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithMdt(m => m with { OrganFunction = function }).Criterion("I11").Status);

    [Theory]
    [InlineData(true, Pass)]
    [InlineData(false, Fail)]
    [InlineData(null, Missing)]
    public void MdtJudgingThePatientUnfit_FailsI12(bool? fit, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithMdt(m => m with { FitForChemotherapyAndSurgery = fit }).Criterion("I12").Status);

    [Theory]
    [InlineData(1, Pass)]
    [InlineData(3, Pass)]
    [InlineData(4, Fail)]
    [InlineData(6, Fail)]
    [InlineData(null, Missing)]
    public void AsaClassAbove3_FailsI13(int? asa, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithPatient(p => p with { AsaClass = asa }).Criterion("I13").Status);

    [Fact]
    public void AsaClass4_FailsI13NamingTheMaximum() =>
        Assert.Equal("ASA class 4 is above the maximum of 3.",
            Ddlps.WithPatient(p => p with { AsaClass = 4 }).Criterion("I13").Reason);

    [Theory]
    [InlineData(true, Pass)]
    [InlineData(false, Fail)]
    [InlineData(null, Missing)]
    public void ConsentNotSigned_FailsI14AndUnrecordedConsentIsMissing(bool? signed, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithPatient(p => p with { InformedConsentSigned = signed }).Criterion("I14").Status);

    // E01, E03-E10 -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(OriginSite.Retroperitoneum, Pass)]
    [InlineData(OriginSite.Other, Pass)]
    [InlineData(OriginSite.GiTract, Fail)]
    [InlineData(OriginSite.Uterus, Fail)]
    [InlineData(OriginSite.UrinaryTract, Fail)]
    [InlineData(null, Missing)]
    public void SarcomaOfGiTractUterusOrUrinaryTract_FailsE01(OriginSite? origin, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithTumor(t => t with { OriginSite = origin }).Criterion("E01").Status);

    [Theory]
    [InlineData(false, Pass)]
    [InlineData(true, Fail)]
    [InlineData(null, Missing)]
    public void TumourExtendingIntoTheChest_FailsE03(bool? extends, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithTumor(t => t with { ExtendsIntoChestCavity = extends }).Criterion("E03").Status);

    [Theory]
    [InlineData(Metastasis.None, Pass)]
    [InlineData(Metastasis.Suspected, Fail)]
    [InlineData(Metastasis.Confirmed, Fail)]
    [InlineData(null, Missing)]
    public void ConfirmedOrSuspectedMetastasis_FailsE04(Metastasis? metastasis, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithTumor(t => t with { Metastasis = metastasis }).Criterion("E04").Status);

    [Theory]
    [InlineData("anthracycline", true, Fail)]
    [InlineData("ifosfamide", true, Fail)]
    [InlineData("targeted agent", true, Fail)]
    [InlineData("anthracycline", null, Missing)]
    [InlineData("ifosfamide", null, Missing)]
    [InlineData("targeted agent", null, Missing)]
    [InlineData("anthracycline", false, Pass)]
    public void PriorAnthracyclineIfosfamideOrTargetedAgent_FailsE05(string drug, bool? given, CriterionStatus expected)
    {
        var submission = Ddlps.WithHistory(h => drug switch
        {
            "anthracycline" => h with { PriorAnthracycline = given },
            "ifosfamide" => h with { PriorIfosfamide = given },
            _ => h with { PriorTargetedTherapy = given },
        });
        Assert.Equal(expected, submission.Criterion("E05").Status);
    }

    [Theory]
    [InlineData(false, Pass)]
    [InlineData(true, Fail)]
    [InlineData(null, Missing)]
    public void SevereContraindicationWithin6Months_FailsE06(bool? contraindication, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithHistory(h => h with { SevereContraindicationWithin6Months = contraindication })
            .Criterion("E06").Status);

    [Theory]
    [InlineData(false, false, Pass)]
    [InlineData(true, false, Fail)]
    [InlineData(false, true, Fail)]
    [InlineData(true, null, Fail)]
    [InlineData(null, true, Fail)]
    [InlineData(null, false, Missing)]
    [InlineData(false, null, Missing)]
    public void SevereInfectionOrBleedingRiskSurgeryWithin1Month_FailsE07(bool? infection, bool? surgery, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithHistory(h => h with
        {
            SevereInfectionWithin1Month = infection, HighBleedingRiskSurgeryWithin1Month = surgery,
        }).Criterion("E07").Status);

    [Theory]
    [InlineData(OrganFunction.Normal, Pass)]
    [InlineData(OrganFunction.MildRecoverable, Pass)]
    [InlineData(OrganFunction.PersistentDysfunction, Fail)]
    [InlineData(OrganFunction.Failure, Fail)]
    [InlineData(null, Missing)]
    public void PersistentOrganDysfunction_FailsE08(OrganFunction? function, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithMdt(m => m with { OrganFunction = function }).Criterion("E08").Status);

    [Theory]
    [InlineData(false, true, true, Pass)]
    [InlineData(false, false, null, Pass)]     // no potential: contraception does not matter
    [InlineData(false, false, false, Pass)]
    [InlineData(true, false, null, Fail)]      // pregnant or breastfeeding
    [InlineData(true, null, null, Fail)]       // a fail is decided before anything unknown
    [InlineData(false, true, false, Fail)]     // potential without contraception
    [InlineData(null, true, false, Fail)]
    [InlineData(false, true, null, Missing)]
    [InlineData(null, false, null, Missing)]
    [InlineData(false, null, true, Missing)]
    public void PregnancyOrReproductivePotentialWithoutContraception_FailsE09(
        bool? pregnant, bool? potential, bool? contraception, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithPatient(p => p with
        {
            PregnantOrBreastfeeding = pregnant, ReproductivePotential = potential, AgreesToContraception = contraception,
        }).Criterion("E09").Status);

    [Fact]
    public void MaleOfReproductivePotentialRefusingContraception_FailsE09() =>
        Assert.Equal(Fail, Ddlps.WithPatient(p => p with
        {
            Sex = Sex.Male, PregnantOrBreastfeeding = false, ReproductivePotential = true, AgreesToContraception = false,
        }).Criterion("E09").Status);

    [Theory]
    [InlineData(false, Pass)]
    [InlineData(true, Fail)]
    [InlineData(null, Missing)]
    public void PrecludingPsychologicalCondition_FailsE10(bool? condition, CriterionStatus expected) =>
        Assert.Equal(expected, Ddlps.WithPatient(p => p with { PsychologicalCondition = condition }).Criterion("E10").Status);
}
