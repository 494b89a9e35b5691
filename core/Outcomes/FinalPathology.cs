using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Outcomes;

/// <summary>Final pathology of the resected specimen (api.md <c>POST …/pathology</c>).</summary>
/// <param name="FnclccGrade">Null when the report gives no grade; E02 is then <c>missing</c> for the liposarcomas whose grade decides.</param>
public sealed record FinalPathology(DateOnly ReportDate, Histology Histology, int? FnclccGrade);

/// <summary>
/// E02 judged on a final pathology report. An excluded participant is "excluded after allocation": kept in the
/// data, the CONSORT flow and the ITT analysis (flagged), never deleted.
/// </summary>
public sealed record FinalPathologyJudgement(CriterionResult E02, bool ExcludedAfterAllocation, string Reason)
{
    public static FinalPathologyJudgement Judge(FinalPathology pathology, ProtocolDefinition protocol)
    {
        var e02 = FinalPathologyExclusion.Evaluate(pathology.Histology, pathology.FnclccGrade, protocol);
        return new FinalPathologyJudgement(e02, e02.Status == CriterionStatus.Fail, e02.Reason);
    }
}
