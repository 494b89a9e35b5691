namespace RpsServerless.Core.Outcomes;

/// <summary>
/// One imaging disease assessment (api.md <c>POST …/assessments</c>). Every recorded assessment is evaluable: the
/// contract has no "not evaluable" result, so a scan that could not be read is not recorded as an assessment and
/// cannot move the PFS censoring date.
/// </summary>
/// <param name="Comment">A short optional remark (at most <see cref="MaxCommentLength"/> characters); never clinical free text the analysis depends on.</param>
public sealed record DiseaseAssessment(DateOnly ImagingDate, AssessmentResult Result, ImagingModality? Modality = null, string? Comment = null)
{
    public const int MaxCommentLength = 200;

    /// <summary>True for the results that are PFS events (protocol.md §6).</summary>
    public bool IsDiseaseEvent => Result is AssessmentResult.Progression or AssessmentResult.LocalRecurrence or AssessmentResult.DistantMetastasis;
}

/// <summary>Surgery details recorded with the SURGERY visit: the operation date and the resection status.</summary>
public sealed record SurgeryDetails(DateOnly SurgeryDate, Resection Resection)
{
    /// <summary>protocol.md §6: a tumour found unresectable, or an R2 resection, is a PFS event on the surgery date.</summary>
    public bool IsDiseaseEvent => Resection is Resection.R2 or Resection.Unresectable;
}
