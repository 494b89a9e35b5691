using static RpsServerless.Core.Screening.Verdict;

namespace RpsServerless.Core.Screening;

internal delegate Verdict CriterionRule(ScreeningFacts facts);

/// <summary>
/// The screening criteria of protocol.md §2, one small rule per catalogue id. The thresholds come from the protocol
/// definition; the rules only say how a value is read. Within a rule a fail is decided before a missing value, so a
/// known disqualifying fact is never hidden behind an unknown one. Histology-specific criteria (I05-I08) are only
/// called for their histology: <see cref="ScreeningEvaluator"/> gates them by the catalogue's <c>appliesTo</c>.
/// </summary>
internal static class EligibilityCriteria
{
    /// <summary>Catalogue id → rule. E02 is judged on final pathology instead (<see cref="FinalPathologyExclusion"/>).</summary>
    public static readonly IReadOnlyDictionary<string, CriterionRule> Rules = new Dictionary<string, CriterionRule>(StringComparer.Ordinal)
    {
        ["I01"] = I01AgeWithinLimits,
        ["I02"] = I02EligibleHistologyProvenOnBiopsy,
        ["I03"] = I03PrimaryUntreatedTumour,
        ["I04"] = I04NoSecondMalignancy,
        ["I05"] = I05DdlpsMdm2AndCdk4Positive,
        ["I06"] = I06DdlpsGrade,
        ["I07"] = I07LmsSize,
        ["I08"] = I08SftHighRisk,
        ["I09"] = I09DoesNotCrossDiaphragm,
        ["I10"] = I10ResectionFeasible,
        ["I11"] = I11NoMultiOrganDysfunction,
        ["I12"] = I12FitForChemotherapyAndSurgery,
        ["I13"] = I13AsaClass,
        ["I14"] = I14InformedConsent,
        ["E01"] = E01OriginOutsideRetroperitoneum,
        ["E03"] = E03ExtendsIntoChest,
        ["E04"] = E04Metastasis,
        ["E05"] = E05PriorAnthracyclineIfosfamideOrTargetedAgent,
        ["E06"] = E06SevereContraindication,
        ["E07"] = E07RecentInfectionOrBleedingRiskSurgery,
        ["E08"] = E08PersistentOrganDysfunction,
        ["E09"] = E09PregnancyOrNoContraception,
        ["E10"] = E10PsychologicalCondition,
    };

    private static Verdict I01AgeWithinLimits(ScreeningFacts f)
    {
        var limits = f.Rules.AgeYears;
        return f.Patient.AgeYears switch
        {
            null => Missing("Age not recorded: enter the patient's age in whole years."),
            { } age when age < limits.Min => Fail($"Age {age} is below the minimum of {limits.Min} years."),
            { } age when age > limits.Max => Fail($"Age {age} is above the maximum of {limits.Max} years."),
            { } age => Pass($"Age {age} is within {limits.Min}-{limits.Max} years."),
        };
    }

    private static Verdict I02EligibleHistologyProvenOnBiopsy(ScreeningFacts f)
    {
        var histology = f.Tumor.Histology;
        var confirmed = f.Tumor.HistologyConfirmedByBiopsy;
        if (histology is { } h && !Includes(f.Rules.EligibleHistologies, h))
            return Fail($"Histology {Name(h)} is not eligible: the protocol requires {ContractEnum<Histology>.JoinedWithOr(f.Rules.EligibleHistologies)}.");
        if (confirmed == false)
            return Fail($"The histology was not proven on biopsy: a biopsy-proven diagnosis is required.");
        if (histology is not { } known)
            return Missing($"Histology not recorded: enter the biopsy diagnosis ({ContractEnum<Histology>.JoinedWithOr(f.Rules.EligibleHistologies)} are eligible).");
        if (confirmed is null)
            return Missing($"Biopsy confirmation of {Name(known)} not recorded: record whether the diagnosis was proven on biopsy.");
        return Pass($"{Name(known)} proven histologically on biopsy.");
    }

    // A laparotomy with biopsy only is not a resection, so it never fails I03 and is not needed to pass it. When a
    // prior resection is recorded together with it, the reason tells the coordinator how to correct the form
    // instead of silently overriding the recorded resection.
    private static Verdict I03PrimaryUntreatedTumour(ScreeningFacts f)
    {
        var h = f.History;
        var found = new List<string>(4);
        var unknown = new List<string>(4);
        Sort(h.PriorResection, "resection", found, unknown);
        Sort(h.PriorChemotherapy, "chemotherapy", found, unknown);
        Sort(h.PriorRadiotherapy, "radiotherapy", found, unknown);
        Sort(h.PriorTargetedTherapy, "targeted therapy", found, unknown);
        if (found.Count > 0)
        {
            var laparotomyHint = h.PriorResection == true && h.LaparotomyBiopsyOnly == true
                ? " (if the only operation was a laparotomy with biopsy, record priorResection as false)"
                : "";
            return Fail($"Prior {Wording.JoinWithAnd(found)} recorded: only primary, untreated tumours are eligible{laparotomyHint}.");
        }
        if (unknown.Count > 0)
            return Missing($"Prior {Wording.JoinWithAnd(unknown)} not recorded: record whether the patient had {(unknown.Count == 1 ? "it" : "each")}.");
        return Pass(h.LaparotomyBiopsyOnly == true
            ? "No prior resection, chemotherapy, radiotherapy or targeted therapy; the laparotomy with biopsy only is allowed."
            : "No prior resection, chemotherapy, radiotherapy or targeted therapy.");
    }

    private static Verdict I04NoSecondMalignancy(ScreeningFacts f) => f.Patient.SecondMalignancyHistory switch
    {
        true => Fail("History of a second malignancy recorded: such patients are not eligible."),
        false => Pass("No history of a second malignancy."),
        null => Missing("History of a second malignancy not recorded: record whether the patient ever had another cancer."),
    };

    // IHC is required: negative fails; not done is missing because the test can still be done on the biopsy.
    // FISH is highly recommended: not done passes with a warning, but a FISH without amplification contradicts
    // DDLPS and fails. An unrecorded FISH could hide that fail, so it is missing, not assumed "not done".
    private static Verdict I05DdlpsMdm2AndCdk4Positive(ScreeningFacts f)
    {
        var t = f.Tumor;
        if (t.Mdm2Fish == FishResult.NotDone)
            f.Warn(EligibilityWarningCodes.Mdm2FishNotDone,
                "MDM2 FISH not done: FISH confirmation of MDM2 amplification is highly recommended for DDLPS.");

        if (t.Mdm2Ihc == IhcResult.Negative)
            return Fail("MDM2 IHC is negative: DDLPS requires MDM2 and CDK4 positive on IHC.");
        if (t.Cdk4Ihc == IhcResult.Negative)
            return Fail("CDK4 IHC is negative: DDLPS requires MDM2 and CDK4 positive on IHC.");
        if (t.Mdm2Fish == FishResult.NotAmplified)
            return Fail("MDM2 FISH shows no amplification: this does not support DDLPS; review the diagnosis.");

        var pending = new List<string>(3);
        var actions = new List<string>(3);
        Pending(t.Mdm2Ihc, "MDM2 IHC", pending, actions);
        Pending(t.Cdk4Ihc, "CDK4 IHC", pending, actions);
        if (t.Mdm2Fish is null)
        {
            pending.Add("MDM2 FISH not recorded");
            actions.Add($"record the MDM2 FISH result ({ContractEnum<FishResult>.AllowedNames})");
        }
        if (pending.Count > 0)
            return Missing($"{Wording.JoinWithAnd(pending)}: {Wording.JoinWithAnd(actions)} before allocation.");

        return Pass(t.Mdm2Fish == FishResult.Amplified
            ? "MDM2 and CDK4 positive on IHC and MDM2 amplified on FISH."
            : "MDM2 and CDK4 positive on IHC; MDM2 FISH not done (highly recommended).");

        static void Pending(IhcResult? result, string test, List<string> pending, List<string> actions)
        {
            if (result == IhcResult.NotDone)
            {
                pending.Add($"{test} not done");
                actions.Add($"perform {test}");
            }
            else if (result is null)
            {
                pending.Add($"{test} not recorded");
                actions.Add($"record the {test} result");
            }
        }
    }

    private static Verdict I06DdlpsGrade(ScreeningFacts f)
    {
        var eligibleGrades = GradeList(f.Rules.DdlpsFnclccGrades);
        if (f.FnclccGradeConflict)
            return Missing($"FNCLCC grade {f.GivenFnclccGrade} disagrees with grade {f.DerivedFnclccGrade} derived from its components: correct one of them.");
        if (f.EffectiveFnclccGrade is not { } grade)
            return Missing($"FNCLCC grade not recorded: record the grade (or its three component scores); DDLPS requires grade {eligibleGrades}.");
        var source = f.GivenFnclccGrade is null ? " (derived from its components)" : "";
        return Includes(f.Rules.DdlpsFnclccGrades, grade)
            ? Pass($"FNCLCC grade {grade}{source} is eligible for DDLPS (grade {eligibleGrades}).")
            : Fail($"FNCLCC grade {grade}{source} is not eligible: DDLPS requires grade {eligibleGrades}.");
    }

    private static Verdict I07LmsSize(ScreeningFacts f)
    {
        var minimum = Wording.Number(f.Rules.LmsMinDiameterCm);
        if (f.Tumor.MaxDiameterCm is not { } diameter)
            return Missing($"Largest diameter not recorded: record it from imaging; LMS requires at least {minimum} cm.");
        return diameter >= f.Rules.LmsMinDiameterCm
            ? Pass($"Largest diameter {Wording.Number(diameter)} cm meets the {minimum} cm required for LMS.")
            : Fail($"Largest diameter {Wording.Number(diameter)} cm is below the {minimum} cm required for LMS.");
    }

    private static Verdict I08SftHighRisk(ScreeningFacts f)
    {
        var minimum = f.Rules.SftMinRiskScore;
        if (f.SftScore is not { } score)
        {
            var unknown = new List<string>(4);
            if (f.Patient.AgeYears is null) unknown.Add("age");
            if (f.Tumor.MaxDiameterCm is null) unknown.Add("largest diameter");
            if (f.Tumor.SftMitosesPer10Hpf is null) unknown.Add("mitoses per 10 HPF");
            if (f.Tumor.SftNecrosisPercent is null) unknown.Add("necrosis %");
            return Missing($"Modified Demicco score cannot be calculated without {Wording.JoinWithAnd(unknown)}: record {(unknown.Count == 1 ? "it" : "them")}; SFT requires a score of at least {minimum}.");
        }
        return score >= minimum
            ? Pass($"Modified Demicco score {score} ({f.SftRiskGroup} risk) meets the minimum of {minimum} for SFT.")
            : Fail($"Modified Demicco score {score} ({f.SftRiskGroup} risk) is below the {minimum} required for SFT.");
    }

    private static Verdict I09DoesNotCrossDiaphragm(ScreeningFacts f) => f.Tumor.CrossesDiaphragm switch
    {
        true => Fail("Tumour crosses the diaphragm: not eligible."),
        false => Pass("Tumour does not cross the diaphragm."),
        null => Missing("Whether the tumour crosses the diaphragm is not recorded: record it from imaging."),
    };

    private static Verdict I10ResectionFeasible(ScreeningFacts f) => f.Mdt.R0R1ResectionFeasible switch
    {
        true => Pass("MDT judged an R0/R1 resection feasible."),
        false => Fail("MDT did not judge an R0/R1 resection feasible: not eligible."),
        null => Missing("MDT judgement on R0/R1 resection not recorded: record the MDT decision."),
    };

    private static Verdict I11NoMultiOrganDysfunction(ScreeningFacts f)
    {
        var allowed = ContractEnum<OrganFunction>.JoinedWithOr(f.Rules.AcceptableOrganFunction);
        if (f.Mdt.OrganFunction is not { } function)
            return Missing($"Organ function not recorded: record the MDT's assessment ({allowed} is eligible).");
        return Includes(f.Rules.AcceptableOrganFunction, function)
            ? Pass($"Organ function {Name(function)} is acceptable ({allowed}).")
            : Fail($"Organ function {Name(function)} is multi-organ dysfunction or failure: only {allowed} is eligible.");
    }

    private static Verdict I12FitForChemotherapyAndSurgery(ScreeningFacts f) => f.Mdt.FitForChemotherapyAndSurgery switch
    {
        true => Pass("MDT judged the patient fit for chemotherapy and surgery."),
        false => Fail("MDT judged the patient not fit for chemotherapy and surgery: not eligible."),
        null => Missing("MDT judgement of fitness for chemotherapy and surgery not recorded: record the MDT decision."),
    };

    private static Verdict I13AsaClass(ScreeningFacts f)
    {
        var maximum = f.Rules.MaxAsaClass;
        return f.Patient.AsaClass switch
        {
            null => Missing($"ASA class not recorded: record it; ASA {maximum} or lower is eligible."),
            { } asa when asa > maximum => Fail($"ASA class {asa} is above the maximum of {maximum}."),
            { } asa => Pass($"ASA class {asa} is within the maximum of {maximum}."),
        };
    }

    // false records that the patient has not signed (e.g. declined): the criterion fails. A coordinator screening
    // before the consent visit leaves the field empty, which keeps the screening incomplete rather than ineligible.
    private static Verdict I14InformedConsent(ScreeningFacts f) => f.Patient.InformedConsentSigned switch
    {
        true => Pass("Informed consent signed."),
        false => Fail("Informed consent recorded as not signed: the patient cannot take part without signed consent."),
        null => Missing("Informed consent not recorded: record it once the patient has signed."),
    };

    private static Verdict E01OriginOutsideRetroperitoneum(ScreeningFacts f)
    {
        if (f.Tumor.OriginSite is not { } origin)
            return Missing("Origin of the sarcoma not recorded: record where it originates.");
        return Includes(f.Rules.ExcludedOriginSites, origin)
            ? Fail($"Origin {Name(origin)} excludes the patient: sarcomas from {ContractEnum<OriginSite>.JoinedWithOr(f.Rules.ExcludedOriginSites)} are not eligible.")
            : Pass($"Origin {Name(origin)} is not an excluded site.");
    }

    private static Verdict E03ExtendsIntoChest(ScreeningFacts f) => f.Tumor.ExtendsIntoChestCavity switch
    {
        true => Fail("Tumour extends into the chest cavity: excluded."),
        false => Pass("Tumour does not extend into the chest cavity."),
        null => Missing("Whether the tumour extends into the chest cavity is not recorded: record it from imaging."),
    };

    private static Verdict E04Metastasis(ScreeningFacts f)
    {
        if (f.Tumor.Metastasis is not { } metastasis)
            return Missing($"Metastasis status not recorded: record it from staging ({ContractEnum<Metastasis>.AllowedNames}).");
        return Includes(f.Rules.ExcludingMetastasis, metastasis)
            ? Fail($"Metastasis {Name(metastasis)} excludes the patient: confirmed or highly suspected metastasis is not eligible.")
            : Pass($"Metastasis status {Name(metastasis)}: no confirmed or suspected metastasis.");
    }

    private static Verdict E05PriorAnthracyclineIfosfamideOrTargetedAgent(ScreeningFacts f)
    {
        var h = f.History;
        var found = new List<string>(3);
        var unknown = new List<string>(3);
        Sort(h.PriorAnthracycline, "anthracycline", found, unknown);
        Sort(h.PriorIfosfamide, "ifosfamide", found, unknown);
        Sort(h.PriorTargetedTherapy, "targeted agent", found, unknown);
        if (found.Count > 0)
            return Fail($"Prior {Wording.JoinWithAnd(found)} recorded: any prior anthracycline, ifosfamide or targeted agent excludes the patient.");
        if (unknown.Count > 0)
            return Missing($"Prior {Wording.JoinWithAnd(unknown)} not recorded: record whether the patient ever received {(unknown.Count == 1 ? "it" : "each")}.");
        return Pass("No prior anthracycline, ifosfamide or targeted agent.");
    }

    // The 6-month and 1-month windows of E06 and E07 are part of the contract's field names, not free thresholds.
    private static Verdict E06SevereContraindication(ScreeningFacts f) => f.History.SevereContraindicationWithin6Months switch
    {
        true => Fail("Severe contraindication within 6 months recorded (myelosuppression, infarction or uncontrolled arrhythmia): excluded."),
        false => Pass("No severe contraindication within 6 months."),
        null => Missing("Severe contraindications within 6 months not recorded: record whether any occurred."),
    };

    private static Verdict E07RecentInfectionOrBleedingRiskSurgery(ScreeningFacts f)
    {
        var h = f.History;
        var found = new List<string>(2);
        var unknown = new List<string>(2);
        Sort(h.SevereInfectionWithin1Month, "severe infection", found, unknown);
        Sort(h.HighBleedingRiskSurgeryWithin1Month, "surgery with high bleeding risk", found, unknown);
        if (found.Count > 0)
            return Fail($"{Capitalised(Wording.JoinWithAnd(found))} within 1 month recorded: excluded.");
        if (unknown.Count > 0)
            return Missing($"{Capitalised(Wording.JoinWithAnd(unknown))} within 1 month not recorded: record whether {(unknown.Count == 1 ? "it" : "either")} occurred.");
        return Pass("No severe infection or surgery with high bleeding risk within 1 month.");
    }

    private static Verdict E08PersistentOrganDysfunction(ScreeningFacts f)
    {
        if (f.Mdt.OrganFunction is not { } function)
            return Missing("Organ function not recorded: record the MDT's assessment.");
        return Includes(f.Rules.ExcludingOrganFunction, function)
            ? Fail($"Organ function {Name(function)} cannot recover before the study: excluded.")
            : Pass($"Organ function {Name(function)} is not persistent dysfunction or failure.");
    }

    // Reproductive potential applies to any sex, so sex is not read; contraception matters only with potential.
    private static Verdict E09PregnancyOrNoContraception(ScreeningFacts f)
    {
        var p = f.Patient;
        if (p.PregnantOrBreastfeeding == true)
            return Fail("Patient is pregnant or breastfeeding: excluded.");
        if (p.ReproductivePotential == true && p.AgreesToContraception == false)
            return Fail("Patient of reproductive potential does not agree to effective contraception: excluded.");

        var unknown = new List<string>(3);
        if (p.PregnantOrBreastfeeding is null) unknown.Add("pregnancy or breastfeeding");
        if (p.ReproductivePotential is null) unknown.Add("reproductive potential");
        if (p.ReproductivePotential == true && p.AgreesToContraception is null) unknown.Add("agreement to effective contraception");
        if (unknown.Count > 0)
            return Missing($"{Capitalised(Wording.JoinWithAnd(unknown))} not recorded: record {(unknown.Count == 1 ? "it" : "them")} for every patient, of any sex.");

        return Pass(p.ReproductivePotential == true
            ? "Not pregnant or breastfeeding, and agrees to effective contraception."
            : "Not pregnant or breastfeeding, and no reproductive potential.");
    }

    private static Verdict E10PsychologicalCondition(ScreeningFacts f) => f.Patient.PsychologicalCondition switch
    {
        true => Fail("Psychological condition precluding participation recorded: excluded."),
        false => Pass("No psychological condition precluding participation."),
        null => Missing("Psychological condition not recorded: record whether one precludes participation."),
    };

    private static void Sort(bool? recorded, string label, List<string> found, List<string> unknown)
    {
        if (recorded == true) found.Add(label);
        else if (recorded is null) unknown.Add(label);
    }

    private static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => ContractEnum<TEnum>.Name(value);

    private static string GradeList(IReadOnlyList<int> grades)
    {
        var names = new string[grades.Count];
        for (var i = 0; i < names.Length; i++) names[i] = Wording.Number(grades[i]);
        return Wording.JoinWithOr(names);
    }

    private static string Capitalised(string text) =>
        text.Length == 0 || char.IsUpper(text[0]) ? text : char.ToUpperInvariant(text[0]) + text[1..];

    internal static bool Includes<T>(IReadOnlyList<T> values, T value) where T : struct
    {
        for (var i = 0; i < values.Count; i++)
            if (EqualityComparer<T>.Default.Equals(values[i], value)) return true;
        return false;
    }
}
