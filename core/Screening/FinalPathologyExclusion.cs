using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

/// <summary>
/// E02, judged when final pathology is recorded after surgery, not at screening (protocol.md §2). A fail marks the
/// participant as excluded after allocation: kept in the CONSORT flow, never deleted.
/// </summary>
public static class FinalPathologyExclusion
{
    public const string CriterionId = "E02";

    /// <param name="histology">The final histology; null when not yet known.</param>
    /// <param name="fnclccGrade">The final FNCLCC grade; null when unknown.</param>
    /// <returns>
    /// fail for a histology not eligible under I02 (WDLPS among them) or a grade-1 liposarcoma; missing when the
    /// histology, or the grade of a liposarcoma whose grade decides, is unknown; otherwise pass.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">The grade is not one of the protocol's FNCLCC grades.</exception>
    public static CriterionResult Evaluate(Histology? histology, int? fnclccGrade, ProtocolDefinition protocol)
    {
        if (fnclccGrade is { } g && !IsGrade(g, protocol.Fnclcc))
            throw new ArgumentOutOfRangeException(nameof(fnclccGrade), fnclccGrade, "Not an FNCLCC grade of the protocol.");
        var verdict = Judge(histology, fnclccGrade, protocol.Eligibility);
        return new CriterionResult(CriterionId, protocol.Criterion(CriterionId).Kind, verdict.Status, verdict.Reason);
    }

    private static Verdict Judge(Histology? histology, int? grade, EligibilityRules rules)
    {
        if (histology is not { } h)
            return Verdict.Missing("Final pathology histology not recorded: record it to judge E02.");
        var name = ContractEnum<Histology>.Name(h);
        if (!EligibilityCriteria.Includes(rules.EligibleHistologies, h))
            return Verdict.Fail($"Final pathology shows {name}, which is not eligible under I02 ({ContractEnum<Histology>.JoinedWithOr(rules.EligibleHistologies)}): the participant is excluded.");

        // Grade decides only for the liposarcomas the protocol names; for them an unknown grade could hide a fail.
        // Grade 1 itself is what that protocol list means (finalPathologyExcludedGrade1Histologies).
        if (EligibilityCriteria.Includes(rules.FinalPathologyExcludedGrade1Histologies, h))
        {
            if (grade is null)
                return Verdict.Missing($"FNCLCC grade of the final {name} pathology not recorded: record it, since grade-1 {name} is excluded.");
            if (grade == 1)
                return Verdict.Fail($"Final pathology shows grade-1 {name}, a grade-1 liposarcoma: the participant is excluded.");
        }
        var gradeText = grade is { } known ? $" grade {known}" : "";
        return Verdict.Pass($"Final pathology shows {name}{gradeText}, eligible under I02.");
    }

    private static bool IsGrade(int grade, FnclccGrading grading)
    {
        foreach (var band in grading.Grades)
            if (band.Grade == grade) return true;
        return false;
    }
}
