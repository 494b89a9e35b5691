namespace RpsServerless.Core.Screening;

/// <summary>
/// The request body of <c>POST /api/screenings</c> (api.md), as received. Every clinical field is nullable: null or
/// absent means <i>unknown</i>, and the criteria that need it are <c>missing</c>, never guessed. Direct identifiers
/// (names, national ids, phone or record numbers) are not fields; the parser rejects any property it does not know.
/// Build one from JSON with <see cref="ScreeningSubmissionParser"/>, which checks shapes, types and ranges.
/// </summary>
public sealed record ScreeningSubmission(
    string SiteId,
    string? ScreeningNumber,
    DateOnly ScreenedOn,
    Patient Patient,
    Tumor Tumor,
    History History,
    Mdt Mdt);

public sealed record Patient(
    int? AgeYears = null,
    Sex? Sex = null,
    int? AsaClass = null,
    bool? ReproductivePotential = null,
    bool? PregnantOrBreastfeeding = null,
    bool? AgreesToContraception = null,
    bool? SecondMalignancyHistory = null,
    bool? PsychologicalCondition = null,
    bool? InformedConsentSigned = null);

/// <param name="FnclccComponents">
/// Contract addition beyond the api.md example: the three FNCLCC component scores, from which the grade is derived
/// when <paramref name="FnclccGrade"/> is not given (protocol.md §3). When both are given they must agree. The
/// backend documents this optional object in its OpenAPI description.
/// </param>
public sealed record Tumor(
    Histology? Histology = null,
    bool? HistologyConfirmedByBiopsy = null,
    int? FnclccGrade = null,
    FnclccComponents? FnclccComponents = null,
    decimal? MaxDiameterCm = null,
    OriginSite? OriginSite = null,
    bool? CrossesDiaphragm = null,
    bool? ExtendsIntoChestCavity = null,
    Metastasis? Metastasis = null,
    IhcResult? Mdm2Ihc = null,
    IhcResult? Cdk4Ihc = null,
    FishResult? Mdm2Fish = null,
    int? SftMitosesPer10Hpf = null,
    decimal? SftNecrosisPercent = null);

/// <summary>FNCLCC component scores: differentiation 1-3, mitoses 1-3, necrosis 0-2 (each may be unknown).</summary>
public sealed record FnclccComponents(int? Differentiation = null, int? Mitoses = null, int? Necrosis = null);

public sealed record History(
    bool? PriorResection = null,
    bool? LaparotomyBiopsyOnly = null,
    bool? PriorChemotherapy = null,
    bool? PriorRadiotherapy = null,
    bool? PriorTargetedTherapy = null,
    bool? PriorAnthracycline = null,
    bool? PriorIfosfamide = null,
    bool? SevereContraindicationWithin6Months = null,
    bool? SevereInfectionWithin1Month = null,
    bool? HighBleedingRiskSurgeryWithin1Month = null);

/// <summary>The multidisciplinary team's pre-treatment review.</summary>
public sealed record Mdt(
    DateOnly? ReviewedOn = null,
    bool? R0R1ResectionFeasible = null,
    bool? FitForChemotherapyAndSurgery = null,
    OrganFunction? OrganFunction = null);
