using RpsServerless.Core.Protocol;

namespace RpsServerless.Core.Screening;

/// <summary>
/// One screening as the criteria read it: the submission, the protocol's rules and the values derived once for all
/// criteria (effective FNCLCC grade, SFT score), plus the warnings the criteria raise.
/// </summary>
internal sealed class ScreeningFacts
{
    public ScreeningFacts(ScreeningSubmission submission, ProtocolDefinition protocol)
    {
        Protocol = protocol;
        Patient = submission.Patient;
        Tumor = submission.Tumor;
        History = submission.History;
        Mdt = submission.Mdt;

        GivenFnclccGrade = Tumor.FnclccGrade;
        DerivedFnclccGrade = Tumor.FnclccComponents is { } components
            ? FnclccGrade.FromComponents(components, protocol.Fnclcc)
            : null;

        // The score belongs to SFT only; for other histologies its inputs are neither asked for nor meaningful.
        if (Tumor.Histology == Histology.Sft)
        {
            SftScore = SftRiskScore.Calculate(
                Patient.AgeYears, Tumor.MaxDiameterCm, Tumor.SftMitosesPer10Hpf, Tumor.SftNecrosisPercent,
                protocol.SftRiskScore);
            SftRiskGroup = SftScore is { } score ? SftRiskScore.RiskGroup(score, protocol.SftRiskScore) : null;
        }
    }

    public ProtocolDefinition Protocol { get; }

    public EligibilityRules Rules => Protocol.Eligibility;

    public Patient Patient { get; }

    public Tumor Tumor { get; }

    public History History { get; }

    public Mdt Mdt { get; }

    public int? GivenFnclccGrade { get; }

    public int? DerivedFnclccGrade { get; }

    /// <summary>
    /// The grade the criteria use: the one given, else the one derived from the components. Null when unknown, or
    /// when the two disagree (the parser rejects that; a submission built in code could still carry it).
    /// </summary>
    public int? EffectiveFnclccGrade => FnclccGradeConflict ? null : GivenFnclccGrade ?? DerivedFnclccGrade;

    public bool FnclccGradeConflict =>
        GivenFnclccGrade is { } given && DerivedFnclccGrade is { } derived && given != derived;

    public int? SftScore { get; }

    public string? SftRiskGroup { get; }

    public List<EligibilityWarning> Warnings { get; } = [];

    public void Warn(string code, string message) => Warnings.Add(new EligibilityWarning(code, message));
}

/// <summary>A criterion's status and its reason, before the catalogue adds id and kind.</summary>
internal readonly record struct Verdict(CriterionStatus Status, string Reason)
{
    public static Verdict Pass(string reason) => new(CriterionStatus.Pass, reason);

    public static Verdict Fail(string reason) => new(CriterionStatus.Fail, reason);

    public static Verdict Missing(string reason) => new(CriterionStatus.Missing, reason);

    public static Verdict NotApplicable(string reason) => new(CriterionStatus.NotApplicable, reason);
}
