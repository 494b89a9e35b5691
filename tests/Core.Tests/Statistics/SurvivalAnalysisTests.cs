using RpsServerless.Core.Statistics;

namespace RpsServerless.Core.Tests.Statistics;

/// <summary>Kaplan–Meier curves, medians, landmarks and the log-rank test against R's survival package.</summary>
public class SurvivalAnalysisTests
{
    // The statisticians' check: every printed number within 1e-6 of R.
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Datasets => new(SurvivalReferences.All.Keys);

    [Theory]
    [MemberData(nameof(Datasets))]
    public void EveryNumber_EqualsSurvfitAndSurvdiff(string dataset)
    {
        var reference = SurvivalReferences.All[dataset];
        var analysis = SurvivalAnalysis.Analyse(reference.Sample);

        Assert.Equal(reference.Curves.Select(c => c.Group), analysis.Curves.Select(c => c.Group));
        foreach (var (expected, actual) in reference.Curves.Zip(analysis.Curves))
        {
            Assert.Equal(expected.Table.Length, actual.Table.Count);
            foreach (var (row, actualRow) in expected.Table.Zip(actual.Table))
            {
                AssertNear(row.Time, actualRow.Time);
                Assert.Equal(row.AtRisk, actualRow.AtRisk);
                Assert.Equal(row.Events, actualRow.Events);
                Assert.Equal(row.Censored, actualRow.Censored);
                AssertNear(row.Survival, actualRow.Survival);
                AssertNear(row.StdErr, actualRow.StdErr);
                AssertNear(row.Lower, actualRow.Lower);
                AssertNear(row.Upper, actualRow.Upper);
            }
            Assert.Equal(expected.Table[0].AtRisk, actual.Subjects);
            Assert.Equal(expected.Table.Sum(r => r.Events), actual.Events);

            AssertNear(expected.Median.Estimate, actual.Median.Estimate);
            AssertNear(expected.Median.Lower, actual.Median.Lower);
            AssertNear(expected.Median.Upper, actual.Median.Upper);

            foreach (var landmark in expected.Landmarks)
            {
                var at = actual.At(landmark.Time);
                AssertNear(landmark.Survival, at.Survival);
                AssertNear(landmark.StdErr, at.StdErr);
                AssertNear(landmark.Lower, at.Lower);
                AssertNear(landmark.Upper, at.Upper);
            }
        }

        Assert.NotNull(analysis.LogRank);
        AssertNear(reference.LogRank!.ChiSquare, analysis.LogRank.ChiSquare);
        Assert.Equal(reference.LogRank.DegreesOfFreedom, analysis.LogRank.DegreesOfFreedom);
        AssertNear(reference.LogRank.P, analysis.LogRank.P);
    }

    [Fact]
    public void CensoredAtAnEventTime_AreAtRiskAtThatTime()
    {
        var sixMp = Curve(SurvivalReferences.Freireich, "6-MP");
        // Week 6: three relapses and one censoring among all 21; the censored child leaves after the events.
        Assert.Equal((6.0, 21, 3, 1, 18.0 / 21), (sixMp.Table[0].Time, sixMp.Table[0].AtRisk, sixMp.Table[0].Events,
            sixMp.Table[0].Censored, sixMp.Table[0].Survival));
        Assert.Equal(17, sixMp.Table[1].AtRisk);
    }

    [Fact]
    public void ArmEndingInAnEvent_FallsToZeroWithoutErrorOrInterval()
    {
        var last = Curve(SurvivalReferences.Aml, "Nonmaintained").Table[^1];
        Assert.Equal(new SurvivalTableRow(45, 1, 1, 0, 0.0, null, null, null), last);
    }

    [Fact]
    public void CurveExactlyHalfOverAnInterval_MedianIsTheMidpointToTheNextEvent()
    {
        var analysis = SurvivalAnalysis.Analyse(SurvivalReferences.ThreeArms.Sample);
        Assert.Equal(3.5, analysis.Curves[0].Median.Estimate);
        Assert.Equal(4.5, analysis.Curves[2].Median.Estimate);
    }

    [Fact]
    public void CurveEndingExactlyAtHalf_MedianIsTheFirstTimeAtHalf() =>
        Assert.Equal(2.0, Curve(SurvivalReferences.FlatEnd, "D").Median.Estimate);

    [Fact]
    public void AllCensoredArm_StaysAtOneWithNoMedian()
    {
        var censored = Curve(SurvivalReferences.ThreeArms, "B");
        Assert.All(censored.Table, r => Assert.Equal((1.0, 0.0, 1.0, 1.0), (r.Survival, r.StdErr!.Value, r.Lower!.Value, r.Upper!.Value)));
        Assert.Equal(new MedianSurvival(null, null, null), censored.Median);
        Assert.Equal(0, censored.Events);
    }

    [Fact]
    public void ArmCensoredBeforeTheFirstEvent_IsLeftOutOfTheTestLikeSurvdiff() =>
        Assert.Equal(1, SurvivalAnalysis.Analyse(SurvivalReferences.FlatEnd.Sample).LogRank!.DegreesOfFreedom);

    [Fact]
    public void LandmarkAfterTheLastObservedTime_IsNull()
    {
        var curve = Curve(SurvivalReferences.Aml, "Nonmaintained");
        Assert.Equal(new SurvivalEstimate(46, null, null, null, null), curve.At(46));
        Assert.Equal(0.0, curve.At(45).Survival);
    }

    [Fact]
    public void LandmarkBeforeTheFirstTime_IsOneWithoutError() =>
        Assert.Equal(new SurvivalEstimate(0, 1.0, 0.0, 1.0, 1.0), Curve(SurvivalReferences.Ovarian, "rx1").At(0));

    [Fact]
    public void SingleArm_HasNoLogRankTest()
    {
        var sample = new SurvivalSample();
        foreach (var t in new[] { 1.0, 2, 3 }) sample.Add("surgery", t, true);
        var analysis = SurvivalAnalysis.Analyse(sample);
        Assert.Null(analysis.LogRank);
        Assert.Single(analysis.Curves);
    }

    [Fact]
    public void NoEventsInAnyArm_HasNoLogRankTest()
    {
        var sample = new SurvivalSample();
        sample.Add("neoadjuvant", 10, false);
        sample.Add("surgery", 12, false);
        Assert.Null(SurvivalAnalysis.Analyse(sample).LogRank);
    }

    [Fact]
    public void Arms_AreInOrdinalOrderWhateverTheInputOrder()
    {
        var sample = new SurvivalSample();
        sample.Add("surgery", 5, true);
        sample.Add("neoadjuvant", 7, true);
        sample.Add("Surgery", 7, false);
        Assert.Equal(["Surgery", "neoadjuvant", "surgery"], SurvivalAnalysis.Analyse(sample).Curves.Select(c => c.Group));
    }

    [Fact]
    public void NegativeOrNonFiniteTime_IsRejected()
    {
        var sample = new SurvivalSample();
        Assert.Throws<ArgumentOutOfRangeException>(() => sample.Add("surgery", -1, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => sample.Add("surgery", double.NaN, true));
    }

    private static KaplanMeierCurve Curve(SurvivalReferences.Reference reference, string group) =>
        SurvivalAnalysis.Analyse(reference.Sample).Curves.Single(c => c.Group == group);

    private static void AssertNear(double? expected, double? actual)
    {
        Assert.Equal(expected.HasValue, actual.HasValue);
        if (expected is { } e) Assert.InRange(actual!.Value, e - Tolerance, e + Tolerance);
    }
}
