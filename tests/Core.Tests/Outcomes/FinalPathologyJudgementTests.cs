using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Screening;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>E02 applied when final pathology is recorded: the participant is excluded after allocation, never removed.</summary>
public class FinalPathologyJudgementTests
{
    private static FinalPathologyJudgement Judge(Histology histology, int? grade) =>
        FinalPathologyJudgement.Judge(new FinalPathology(Day(100), histology, grade), Natars);

    [Fact]
    public void WdlpsOnFinalPathology_ExcludesAfterAllocationUnderE02()
    {
        var judgement = Judge(Histology.Wdlps, 1);
        Assert.True(judgement.ExcludedAfterAllocation);
        Assert.Equal(("E02", CriterionStatus.Fail), (judgement.E02.Id, judgement.E02.Status));
        Assert.Contains("WDLPS", judgement.Reason);
    }

    [Fact]
    public void Grade1Ddlps_IsExcluded() => Assert.True(Judge(Histology.Ddlps, 1).ExcludedAfterAllocation);

    [Theory]
    [InlineData(Histology.Mlps, 3)]
    [InlineData(Histology.Other, 2)]
    public void HistologyNotEligibleUnderI02_IsExcluded(Histology histology, int grade) => Assert.True(Judge(histology, grade).ExcludedAfterAllocation);

    [Theory]
    [InlineData(Histology.Ddlps, 2)]
    [InlineData(Histology.Lms, 1)]
    [InlineData(Histology.Ups, 3)]
    [InlineData(Histology.Sft, null)]
    public void EligibleFinalPathology_IsNotExcluded(Histology histology, int? grade)
    {
        var judgement = Judge(histology, grade);
        Assert.False(judgement.ExcludedAfterAllocation);
        Assert.Equal(CriterionStatus.Pass, judgement.E02.Status);
    }

    [Fact]
    public void DdlpsWithoutGrade_IsMissingNotExcluded()
    {
        var judgement = Judge(Histology.Ddlps, null);
        Assert.False(judgement.ExcludedAfterAllocation);
        Assert.Equal(CriterionStatus.Missing, judgement.E02.Status);
    }

    [Fact]
    public void ExcludedParticipant_StaysInTheEndpointsFlagged()
    {
        var excluded = Judge(Histology.Wdlps, 1).ExcludedAfterAllocation;
        var endpoints = EndpointDerivation.Derive(Participant(assessments: [Scan(180, AssessmentResult.Stable)]) with { ExcludedAfterAllocation = excluded });
        Assert.True(endpoints.ExcludedAfterAllocation);
        Assert.Equal(180, endpoints.Pfs.Days);
    }
}
