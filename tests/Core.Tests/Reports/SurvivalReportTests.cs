using System.Text.Json;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Statistics;
using static RpsServerless.Core.Tests.Reports.ReportSamples;

namespace RpsServerless.Core.Tests.Reports;

public class SurvivalReportTests
{
    // Miller's AML data (R's survival::aml), the maintained group as neoadjuvant: R gives medians 31 (18, NA) and
    // 23 (8, NA), survdiff chi-square 3.3963886989776 on 1 df, p 0.0653393220405051.
    private static TimeToEvent[] Aml()
    {
        (double, bool)[] maintained = [(9, true), (13, true), (13, false), (18, true), (23, true), (28, false), (31, true), (34, true), (45, false), (48, true), (161, false)];
        (double, bool)[] nonmaintained = [(5, true), (5, true), (8, true), (8, true), (12, true), (16, false), (23, true), (27, true), (30, true), (33, true), (43, true), (45, true)];
        return
        [
            .. maintained.Select((t, i) => new TimeToEvent($"M{i}", Neoadjuvant, t.Item1, t.Item2)),
            .. nonmaintained.Select((t, i) => new TimeToEvent($"N{i}", SurgeryOnly, t.Item1, t.Item2)),
        ];
    }

    [Fact]
    public void EveryValue_IsWhatSurvivalAnalysisGives()
    {
        var times = Simulated().Pfs;
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, times, DataCut);

        var sample = new SurvivalSample();
        foreach (var t in times) sample.Add(t.Arm, t.Days, t.IsEvent);
        var analysis = SurvivalAnalysis.Analyse(sample);

        Assert.Equal(analysis.Curves.Select(c => c.Group), report.Arms.Select(a => a.Arm));
        foreach (var (curve, arm) in analysis.Curves.Zip(report.Arms))
        {
            Assert.Equal((curve.Subjects, curve.Events), (arm.N, arm.Events));
            Assert.Equal(curve.Median, arm.Median);
            Assert.Equal(curve.Table, arm.Table);
            Assert.Equal([curve.At(365), curve.At(1096)], arm.Landmarks);
        }
        Assert.Equal(analysis.LogRank!.ChiSquare, report.LogRank!.ChiSquare);
        Assert.Equal(analysis.LogRank.DegreesOfFreedom, report.LogRank.DegreesOfFreedom);
        Assert.Equal(analysis.LogRank.P, report.LogRank.P);
    }

    [Fact]
    public void AmlData_GivesRsMediansAndLogRank()
    {
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Os, Aml(), DataCut);
        var neoadjuvant = report.Arms.Single(a => a.Arm == Neoadjuvant);
        var surgery = report.Arms.Single(a => a.Arm == SurgeryOnly);
        Assert.Equal((11, 7, 31.0, 18.0, (double?)null), (neoadjuvant.N, neoadjuvant.Events, neoadjuvant.Median.Estimate, neoadjuvant.Median.Lower, neoadjuvant.Median.Upper));
        Assert.Equal((12, 11, 23.0, 8.0), (surgery.N, surgery.Events, surgery.Median.Estimate, surgery.Median.Lower));
        Assert.InRange(report.LogRank!.ChiSquare, 3.3963886989776 - 1e-9, 3.3963886989776 + 1e-9);
        Assert.Equal(1, report.LogRank.DegreesOfFreedom);
        Assert.InRange(report.LogRank.P, 0.0653393220405051 - 1e-9, 0.0653393220405051 + 1e-9);
    }

    [Fact]
    public void Landmarks_AreTheProtocols365And1096Days()
    {
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, Simulated().Pfs, DataCut);
        Assert.Equal([365, 1096], report.LandmarkDays);
        Assert.All(report.Arms, a => Assert.Equal([365.0, 1096.0], a.Landmarks.Select(l => l.Time)));
    }

    [Fact]
    public void ArmWithoutParticipants_IsReportedEmptyAndThereIsNoLogRank()
    {
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, Aml().Where(t => t.Arm == Neoadjuvant), DataCut);
        Assert.Equal([Neoadjuvant, SurgeryOnly], report.Arms.Select(a => a.Arm));
        var empty = report.Arms[1];
        Assert.Equal((0, 0, 0), (empty.N, empty.Events, empty.Table.Count));
        Assert.Null(empty.Median.Estimate);
        Assert.All(empty.Landmarks, l => Assert.Null(l.Survival));
        Assert.Null(report.LogRank);
    }

    [Fact]
    public void AllCensored_HasNoMedianAndNoLogRank()
    {
        var times = Aml().Select(t => t with { IsEvent = false }).ToArray();
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Os, times, DataCut);
        Assert.All(report.Arms, a => Assert.Equal((0, (double?)null), (a.Events, a.Median.Estimate)));
        Assert.All(report.Arms, a => Assert.All(a.Table, r => Assert.Equal(1.0, r.Survival)));
        Assert.Null(report.LogRank);
    }

    [Fact]
    public void UnknownArm_IsRejected() =>
        Assert.Throws<ArgumentException>(() => SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, [new TimeToEvent("P1", "placebo", 10, true)], DataCut));

    [Fact]
    public void ParticipantTwice_IsRejected() =>
        Assert.Throws<ArgumentException>(() => SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs,
            [new TimeToEvent("P1", Neoadjuvant, 10, true), new TimeToEvent("P1", Neoadjuvant, 20, false)], DataCut));

    [Fact]
    public void EachArm_HasTheJsonShapeOfRpsSurvival()
    {
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Pfs, Aml(), DataCut);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ReportJson.Options));
        var root = json.RootElement;
        Assert.Equal(["endpoint", "protocolVersion", "dataCutAt", "landmarkDays", "armLabels", "arms", "logRank"], Names(root));
        Assert.Equal("pfs", root.GetProperty("endpoint").GetString());
        Assert.Equal("2027-03-01T00:00:00Z", root.GetProperty("dataCutAt").GetString());
        Assert.Equal("The Neoadjuvant Therapy Group", root.GetProperty("armLabels").GetProperty(Neoadjuvant).GetString());
        // tools.md, rps survival: the same names in the same order.
        var arm = root.GetProperty("arms")[0];
        Assert.Equal(["arm", "n", "events", "median", "table", "landmarks"], Names(arm));
        Assert.Equal(["estimate", "lower", "upper"], Names(arm.GetProperty("median")));
        Assert.Equal(["time", "atRisk", "events", "censored", "survival", "stdErr", "lower", "upper"], Names(arm.GetProperty("table")[0]));
        Assert.Equal(["time", "survival", "stdErr", "lower", "upper"], Names(arm.GetProperty("landmarks")[0]));
        Assert.Equal(["chiSquare", "df", "p"], Names(root.GetProperty("logRank")));
    }

    [Fact]
    public void NumbersAtRisk_CountTimesAtOrAfterEachTick()
    {
        var report = SurvivalReport.Build(Natars, SurvivalEndpoint.Os, Aml(), DataCut);
        var times = Aml();
        foreach (var arm in report.Arms)
            foreach (var day in new[] { 0.0, 8, 13, 13.5, 30, 45, 161, 162 })
                Assert.Equal(times.Count(t => t.Arm == arm.Arm && t.Days >= day), KaplanMeierPlot.AtRisk(arm, day));
    }

    [Theory]
    [InlineData(0, 12, 3)]
    [InlineData(100, 4, 1)]
    [InlineData(700, 24, 3)]
    [InlineData(1500, 54, 6)]
    [InlineData(2200, 84, 12)]
    public void MonthAxis_EndsOnATickAtOrAfterTheLastTime(double lastDay, double axisMonths, double stepMonths)
    {
        var arms = lastDay == 0 ? Array.Empty<SurvivalArmSummary>()
            : SurvivalReport.Build(Natars, SurvivalEndpoint.Os, [new TimeToEvent("P1", Neoadjuvant, lastDay, false)], DataCut).Arms;
        Assert.Equal((axisMonths, stepMonths), KaplanMeierPlot.MonthAxis(arms));
    }

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();
}
