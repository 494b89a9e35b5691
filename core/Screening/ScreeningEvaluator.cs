using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

/// <summary>Judges a screening against every criterion of a protocol version's catalogue (protocol.md §2).</summary>
public static class ScreeningEvaluator
{
    /// <summary>
    /// Every criterion except those judged after surgery (E02), in catalogue order. Outcome: any fail →
    /// <c>ineligible</c>; else any missing → <c>incomplete</c>; else <c>eligible</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The protocol lists a criterion this build has no rule for: a protocol newer than the code must not be judged
    /// with a criterion silently skipped.
    /// </exception>
    public static EligibilityResult Evaluate(ScreeningSubmission submission, ProtocolDefinition protocol)
    {
        var facts = new ScreeningFacts(submission, protocol);
        var catalogue = protocol.Eligibility.Criteria;
        var criteria = new List<CriterionResult>(catalogue.Count);
        var anyFail = false;
        var anyMissing = false;
        for (var i = 0; i < catalogue.Count; i++)
        {
            var criterion = catalogue[i];
            if (criterion.AppliesTo == CriterionDefinition.AppliesAfterSurgery) continue;
            var verdict = Judge(criterion, facts);
            anyFail |= verdict.Status == CriterionStatus.Fail;
            anyMissing |= verdict.Status == CriterionStatus.Missing;
            criteria.Add(new CriterionResult(criterion.Id, criterion.Kind, verdict.Status, verdict.Reason));
        }

        var outcome = anyFail ? EligibilityOutcome.Ineligible
            : anyMissing ? EligibilityOutcome.Incomplete
            : EligibilityOutcome.Eligible;
        return new EligibilityResult(protocol.Version, outcome, criteria, facts.Warnings, Derive(facts, protocol));
    }

    private static Verdict Judge(CriterionDefinition criterion, ScreeningFacts facts)
    {
        if (!EligibilityCriteria.Rules.TryGetValue(criterion.Id, out var rule))
            throw new InvalidOperationException(
                $"Protocol {facts.Protocol.Version} lists criterion {criterion.Id}, for which this build has no rule.");

        // A histology-specific criterion (appliesTo DDLPS, LMS, SFT) is judged only for its histology; with the
        // histology unknown nobody can tell whether it applies, so it is missing rather than assumed not to apply.
        if (criterion.AppliesTo != CriterionDefinition.AppliesToAll)
        {
            if (facts.Tumor.Histology is not { } histology)
                return Verdict.Missing($"Histology not recorded: this {criterion.AppliesTo} criterion is judged once it is.");
            var name = ContractEnum<Histology>.Name(histology);
            if (!string.Equals(name, criterion.AppliesTo, StringComparison.Ordinal))
                return Verdict.NotApplicable($"Applies to {criterion.AppliesTo} only; the histology is {name}.");
        }
        return rule(facts);
    }

    private static DerivedValues Derive(ScreeningFacts facts, ProtocolDefinition protocol)
    {
        string? stratum = null;
        if (facts.Tumor.Histology is { } histology)
        {
            var name = ContractEnum<Histology>.Name(histology);
            var strata = protocol.Allocation.Strata;
            for (var i = 0; i < strata.Count && stratum is null; i++)
                if (string.Equals(strata[i], name, StringComparison.Ordinal)) stratum = strata[i];
        }
        return new DerivedValues(stratum, facts.SftScore, facts.SftRiskGroup);
    }
}
