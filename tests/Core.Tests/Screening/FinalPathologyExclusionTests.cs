using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using static RpsServerless.Core.Screening.CriterionStatus;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>E02 on final pathology (protocol.md §2).</summary>
public class FinalPathologyExclusionTests
{
    private static CriterionResult E02(Histology? histology, int? grade) =>
        FinalPathologyExclusion.Evaluate(histology, grade, Screenings.Natars);

    [Theory]
    [InlineData(Histology.Wdlps, 1)]
    [InlineData(Histology.Wdlps, null)]
    [InlineData(Histology.Mlps, 2)]
    [InlineData(Histology.Other, 3)]
    public void FinalPathologyOutsideI02_FailsE02(Histology histology, int? grade)
    {
        var result = E02(histology, grade);
        Assert.Equal(Fail, result.Status);
        Assert.Contains(ContractName.Of(histology), result.Reason);
    }

    [Fact]
    public void FinalPathologyOfGrade1Ddlps_FailsE02() => Assert.Equal(Fail, E02(Histology.Ddlps, 1).Status);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void FinalPathologyOfGrade2Or3Ddlps_PassesE02(int grade) => Assert.Equal(Pass, E02(Histology.Ddlps, grade).Status);

    [Fact]
    public void FinalPathologyOfDdlpsWithUnknownGrade_IsMissingE02() => Assert.Equal(Missing, E02(Histology.Ddlps, null).Status);

    [Theory]
    [InlineData(Histology.Lms, 1)]
    [InlineData(Histology.Ups, null)]
    [InlineData(Histology.Sft, 1)]
    public void FinalPathologyOfOtherEligibleHistology_PassesE02WhateverTheGrade(Histology histology, int? grade) =>
        Assert.Equal(Pass, E02(histology, grade).Status);

    [Fact]
    public void FinalPathologyWithoutHistology_IsMissingE02() => Assert.Equal(Missing, E02(null, 2).Status);

    [Fact]
    public void E02Result_CarriesItsIdAndKind()
    {
        var result = E02(Histology.Ddlps, 3);
        Assert.Equal("E02", result.Id);
        Assert.Equal(CriterionKind.Exclusion, result.Kind);
    }

    [Fact]
    public void GradeOutsideTheProtocol_IsAProgrammingError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => E02(Histology.Ddlps, 4));
}
