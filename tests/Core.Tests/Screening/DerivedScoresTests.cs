using RpsServerless.Core.Screening;

namespace RpsServerless.Core.Tests.Screening;

/// <summary>The modified Demicco score at every band boundary, and the FNCLCC grade from its components (protocol.md §3).</summary>
public class DerivedScoresTests
{
    private static readonly RpsServerless.Core.Protocol.SftRiskScoreTable Table = Screenings.Natars.SftRiskScore;

    // Baseline contributing 0 points per variable; each test moves one variable across its boundary.
    private static int? Score(int age = 40, decimal diameter = 1m, int mitoses = 0, decimal necrosis = 0m) =>
        SftRiskScore.Calculate(age, diameter, mitoses, necrosis, Table);

    [Theory]
    [InlineData(54, 0)]
    [InlineData(55, 1)]
    public void AgeBand_GivesAPointFrom55(int age, int points) => Assert.Equal(points, Score(age: age));

    [Theory]
    [InlineData("4.9", 0)]
    [InlineData("5", 1)]
    [InlineData("9.9", 1)]
    [InlineData("10", 2)]
    [InlineData("14.9", 2)]
    [InlineData("15", 3)]
    public void SizeBands_Give0To3Points(string diameter, int points) => Assert.Equal(points, Score(diameter: decimal.Parse(diameter)));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    public void MitosesBands_Give0To2Points(int mitoses, int points) => Assert.Equal(points, Score(mitoses: mitoses));

    [Theory]
    [InlineData("9", 0)]
    [InlineData("9.9", 0)]
    [InlineData("10", 1)]
    public void NecrosisBand_GivesAPointFrom10Percent(string necrosis, int points) =>
        Assert.Equal(points, Score(necrosis: decimal.Parse(necrosis)));

    [Fact]
    public void HighestValues_Score7() => Assert.Equal(7, Score(80, 40m, 30, 90m));

    [Theory]
    [InlineData(0, "low")]
    [InlineData(3, "low")]
    [InlineData(4, "intermediate")]
    [InlineData(5, "intermediate")]
    [InlineData(6, "high")]
    [InlineData(7, "high")]
    public void RiskGroups_FollowTheProtocolBands(int score, string group) => Assert.Equal(group, SftRiskScore.RiskGroup(score, Table));

    [Fact]
    public void AnyUnknownInput_GivesNoScore()
    {
        Assert.Null(SftRiskScore.Calculate(null, 20m, 10, 50m, Table));
        Assert.Null(SftRiskScore.Calculate(60, null, 10, 50m, Table));
        Assert.Null(SftRiskScore.Calculate(60, 20m, null, 50m, Table));
        Assert.Null(SftRiskScore.Calculate(60, 20m, 10, null, Table));
    }

    [Theory]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 1, 1, 2)]
    [InlineData(2, 2, 1, 2)]
    [InlineData(3, 2, 1, 3)]
    [InlineData(3, 3, 2, 3)]
    public void FnclccGrade_IsDerivedFromTheComponentTotal(int differentiation, int mitoses, int necrosis, int grade) =>
        Assert.Equal(grade, FnclccGrade.FromComponents(new FnclccComponents(differentiation, mitoses, necrosis), Screenings.Natars.Fnclcc));

    [Fact]
    public void FnclccGrade_IsUnknownWhenAComponentIsUnknownOrOutOfRange()
    {
        var grading = Screenings.Natars.Fnclcc;
        Assert.Null(FnclccGrade.FromComponents(new FnclccComponents(2, null, 1), grading));
        Assert.Null(FnclccGrade.FromComponents(new FnclccComponents(4, 1, 1), grading));
        Assert.Null(FnclccGrade.FromComponents(new FnclccComponents(1, 1, 3), grading));
    }
}
