using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>Complete, eligible screenings of each stratum, and the shortcuts the tests vary them with.</summary>
internal static class Screenings
{
    public static ProtocolDefinition Natars => ProtocolCatalog.Get("NATARS-1.0");

    /// <summary>The api.md example body.</summary>
    public const string ApiExampleJson = """
        {
          "siteId": "PKUIH",
          "screeningNumber": "PKUIH-S-0042",
          "screenedOn": "2026-11-20",
          "patient": {
            "ageYears": 58, "sex": "female", "asaClass": 2,
            "reproductivePotential": true, "pregnantOrBreastfeeding": false, "agreesToContraception": true,
            "secondMalignancyHistory": false, "psychologicalCondition": false, "informedConsentSigned": true
          },
          "tumor": {
            "histology": "DDLPS", "histologyConfirmedByBiopsy": true, "fnclccGrade": 3, "maxDiameterCm": 21.0,
            "originSite": "retroperitoneum", "crossesDiaphragm": false, "extendsIntoChestCavity": false,
            "metastasis": "none", "mdm2Ihc": "positive", "cdk4Ihc": "positive", "mdm2Fish": "amplified",
            "sftMitosesPer10Hpf": null, "sftNecrosisPercent": null
          },
          "history": {
            "priorResection": false, "laparotomyBiopsyOnly": false, "priorChemotherapy": false,
            "priorRadiotherapy": false, "priorTargetedTherapy": false, "priorAnthracycline": false,
            "priorIfosfamide": false, "severeContraindicationWithin6Months": false,
            "severeInfectionWithin1Month": false, "highBleedingRiskSurgeryWithin1Month": false
          },
          "mdt": {
            "reviewedOn": "2026-11-18", "r0R1ResectionFeasible": true,
            "fitForChemotherapyAndSurgery": true, "organFunction": "normal"
          }
        }
        """;

    public static ScreeningSubmission EligibleDdlps() => new(
        "PKUIH", "PKUIH-S-0042", new DateOnly(2026, 11, 20),
        new Patient(
            AgeYears: 58, Sex: Sex.Female, AsaClass: 2, ReproductivePotential: true, PregnantOrBreastfeeding: false,
            AgreesToContraception: true, SecondMalignancyHistory: false, PsychologicalCondition: false,
            InformedConsentSigned: true),
        new Tumor(
            Histology: Histology.Ddlps, HistologyConfirmedByBiopsy: true, FnclccGrade: 3, MaxDiameterCm: 21.0m,
            OriginSite: OriginSite.Retroperitoneum, CrossesDiaphragm: false, ExtendsIntoChestCavity: false,
            Metastasis: Metastasis.None, Mdm2Ihc: IhcResult.Positive, Cdk4Ihc: IhcResult.Positive,
            Mdm2Fish: FishResult.Amplified),
        new History(
            PriorResection: false, LaparotomyBiopsyOnly: false, PriorChemotherapy: false, PriorRadiotherapy: false,
            PriorTargetedTherapy: false, PriorAnthracycline: false, PriorIfosfamide: false,
            SevereContraindicationWithin6Months: false, SevereInfectionWithin1Month: false,
            HighBleedingRiskSurgeryWithin1Month: false),
        new Mdt(new DateOnly(2026, 11, 18), R0R1ResectionFeasible: true, FitForChemotherapyAndSurgery: true,
            OrganFunction: OrganFunction.Normal));

    public static ScreeningSubmission EligibleLms() => EligibleDdlps().WithTumor(t => t with
    {
        Histology = Histology.Lms, FnclccGrade = 1, MaxDiameterCm = 12.5m,
        Mdm2Ihc = null, Cdk4Ihc = null, Mdm2Fish = null,
    });

    public static ScreeningSubmission EligibleUps() => EligibleDdlps().WithTumor(t => t with
    {
        Histology = Histology.Ups, FnclccGrade = 1, MaxDiameterCm = 6m,
        Mdm2Ihc = null, Cdk4Ihc = null, Mdm2Fish = null,
    });

    /// <summary>Age 58 (1) + 12 cm (2) + 4 mitoses (2) + 10 % necrosis (1) = 6, high risk.</summary>
    public static ScreeningSubmission EligibleSft() => EligibleDdlps()
        .WithPatient(p => p with { AgeYears = 58 })
        .WithTumor(t => t with
        {
            Histology = Histology.Sft, FnclccGrade = null, MaxDiameterCm = 12m,
            Mdm2Ihc = null, Cdk4Ihc = null, Mdm2Fish = null, SftMitosesPer10Hpf = 4, SftNecrosisPercent = 10m,
        });

    public static ScreeningSubmission WithPatient(this ScreeningSubmission s, Func<Patient, Patient> change) =>
        s with { Patient = change(s.Patient) };

    public static ScreeningSubmission WithTumor(this ScreeningSubmission s, Func<Tumor, Tumor> change) =>
        s with { Tumor = change(s.Tumor) };

    public static ScreeningSubmission WithHistory(this ScreeningSubmission s, Func<History, History> change) =>
        s with { History = change(s.History) };

    public static ScreeningSubmission WithMdt(this ScreeningSubmission s, Func<Mdt, Mdt> change) =>
        s with { Mdt = change(s.Mdt) };

    public static EligibilityResult Evaluate(this ScreeningSubmission s) => ScreeningEvaluator.Evaluate(s, Natars);

    public static CriterionResult Criterion(this ScreeningSubmission s, string id) =>
        s.Evaluate().Criterion(id) ?? throw new InvalidOperationException($"No criterion {id} in the result.");
}
