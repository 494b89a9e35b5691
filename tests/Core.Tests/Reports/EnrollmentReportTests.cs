using RpsServerless.Core.Reports;
using static RpsServerless.Core.Tests.Reports.ReportSamples;

namespace RpsServerless.Core.Tests.Reports;

public class EnrollmentReportTests
{
    // Surgery only: ages 50, 60, 70 (mean 60, SD 10); diameters 10, 20, 30 cm (mean 20, SD 10); grades 2, 3, 3.
    // Neoadjuvant: ages 62, 70, 78 (mean 70, SD 8); diameters 12, 18, 24 (mean 18, SD 6); grades 1, 2, 3; one unknown.
    private static ParticipantSummary[] Participants =>
    [
        Participant("S1", "PKUIH", SurgeryOnly, "DDLPS", new(50, 10m, 2)),
        Participant("S2", "PKUIH", SurgeryOnly, "LMS", new(60, 20m, 3)),
        Participant("S3", "BFH", SurgeryOnly, "DDLPS", new(70, 30m, 3)),
        Participant("N1", "PKUIH", Neoadjuvant, "UPS", new(62, 12m, 1)),
        Participant("N2", "BFH", Neoadjuvant, "DDLPS", new(70, 18m, 2)),
        Participant("N3", "BFH", Neoadjuvant, "LMS", new(78, 24m, 3)),
        Participant("N4", "XJTU1", Neoadjuvant, "SFT", BaselineCharacteristics.Unknown),
    ];

    private static EnrollmentReport Report => EnrollmentReport.Build(Natars, Participants, DataCut);

    [Fact]
    public void Counts_BySiteStratumAndArm()
    {
        var report = Report;
        Assert.Equal(7, report.Allocated);
        Assert.Equal([(SurgeryOnly, 3), (Neoadjuvant, 4)], report.ByArm.Select(a => (a.Arm, a.N)));
        // Every protocol site and stratum is listed, those without participants with 0.
        Assert.Equal(Natars.Sites.Select(s => s.Id), report.BySite.Select(s => s.Key));
        Assert.Equal([3, 3, 1, 0, 0, 0, 0], report.BySite.Select(s => s.Total));
        Assert.Equal(["DDLPS", "LMS", "UPS", "SFT"], report.ByStratum.Select(s => s.Key));
        Assert.Equal([3, 2, 1, 1], report.ByStratum.Select(s => s.Total));
    }

    [Fact]
    public void Crossings_SiteByArmAndStratumByArm()
    {
        var report = Report;
        int[] Row(IReadOnlyList<EnrollmentCount> counts, string key) => counts.Single(c => c.Key == key).ByArm.Select(a => a.N).ToArray();
        Assert.Equal([2, 1], Row(report.BySite, "PKUIH"));
        Assert.Equal([1, 2], Row(report.BySite, "BFH"));
        Assert.Equal([0, 1], Row(report.BySite, "XJTU1"));
        Assert.Equal([2, 1], Row(report.ByStratum, "DDLPS"));
        Assert.Equal([1, 1], Row(report.ByStratum, "LMS"));
        Assert.Equal([0, 1], Row(report.ByStratum, "SFT"));
    }

    [Fact]
    public void AgeAndDiameter_StandardizedDifferencesEqualTheHandComputedValues()
    {
        var balance = Report.Balance;
        Assert.Equal((SurgeryOnly, Neoadjuvant), (balance.ReferenceArm, balance.ComparedArm));
        // (70 − 60) / sqrt((8² + 10²) / 2) = 10 / sqrt(82)
        Assert.Equal(10 / Math.Sqrt(82), balance.AgeYears.StandardizedDifference!.Value, 12);
        // (18 − 20) / sqrt((6² + 10²) / 2) = −2 / sqrt(68)
        Assert.Equal(-2 / Math.Sqrt(68), balance.MaxDiameterCm.StandardizedDifference!.Value, 12);

        var neoadjuvantAge = balance.AgeYears.Arms.Single(a => a.Arm == Neoadjuvant);
        Assert.Equal((3, 1), (neoadjuvantAge.N, neoadjuvantAge.Missing));
        Assert.Equal(70, neoadjuvantAge.Mean!.Value, 12);
        Assert.Equal(8, neoadjuvantAge.Sd!.Value, 12);
        Assert.Equal(0, balance.AgeYears.Arms.Single(a => a.Arm == SurgeryOnly).Missing);
    }

    [Fact]
    public void FnclccGrade_StandardizedDifferencePerGradeEqualsTheHandComputedValues()
    {
        var grade = Report.Balance.FnclccGrade;
        var neoadjuvant = grade.Arms.Single(a => a.Arm == Neoadjuvant);
        Assert.Equal((3, 1), (neoadjuvant.N, neoadjuvant.Missing));
        Assert.Equal([1, 1, 1], neoadjuvant.Categories.Select(c => c.Count));
        // Grade 1: (1/3 − 0) / sqrt((2/9 + 0) / 2) = 1; grade 2: 1/3 vs 1/3 → 0; grade 3: (1/3 − 2/3) / sqrt((2/9 + 2/9) / 2) = −1/√2.
        Assert.Equal([1, 2, 3], grade.Differences.Select(d => d.Category));
        Assert.Equal(1.0, grade.Differences[0].StandardizedDifference!.Value, 12);
        Assert.Equal(0.0, grade.Differences[1].StandardizedDifference!.Value, 12);
        Assert.Equal(-1 / Math.Sqrt(2), grade.Differences[2].StandardizedDifference!.Value, 12);
    }

    [Fact]
    public void NoSpreadInEitherArm_IsZeroWhenEqualAndUndefinedWhenNot()
    {
        Assert.Equal(0.0, StandardizedDifference.OfProportions(0, 0));
        Assert.Null(StandardizedDifference.OfProportions(1, 0));
        Assert.Null(StandardizedDifference.OfProportions(null, 0.5));
    }

    [Fact]
    public void ArmWithFewerThanTwoKnownValues_HasNoStandardizedDifference()
    {
        var report = EnrollmentReport.Build(Natars, Participants.Where(p => p.ParticipantId is "S1" or "N1" or "N2"), DataCut);
        Assert.Null(report.Balance.AgeYears.StandardizedDifference);
        Assert.Null(report.Balance.AgeYears.Arms.Single(a => a.Arm == SurgeryOnly).Sd);
    }

    [Fact]
    public void NoParticipants_GivesZeroCountsAndNoDifferences()
    {
        var report = EnrollmentReport.Build(Natars, [], DataCut);
        Assert.Equal(0, report.Allocated);
        Assert.Null(report.Balance.AgeYears.StandardizedDifference);
        Assert.All(report.Balance.FnclccGrade.Differences, d => Assert.Null(d.StandardizedDifference));
    }

    [Fact]
    public void UnknownStratum_IsRejected() =>
        Assert.Throws<ArgumentException>(() => EnrollmentReport.Build(Natars, [Participant("X", "PKUIH", Neoadjuvant, "WDLPS")], DataCut));
}
