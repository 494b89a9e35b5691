using CsCheck;
using RpsServerless.Core.Reports;
using RpsServerless.Core.Screening;
using static RpsServerless.Core.Tests.Reports.ReportSamples;

namespace RpsServerless.Core.Tests.Reports;

public class ConsortFlowTests
{
    private static ConsortFlow Flow(string? site = null) =>
        ConsortFlow.Build(Natars, HandCountedScreenings, HandCountedParticipants, DataCut, site);

    private static (string, int)[] Criteria(ConsortCriteriaCount counts) => counts.Criteria.Select(c => (c.Id, c.Count)).ToArray();

    [Fact]
    public void AllSites_EnrolmentCountsEqualTheHandCount()
    {
        var flow = Flow();
        Assert.Equal(11, flow.AssessedForEligibility);
        Assert.Equal(6, flow.NotAllocated.Total);
        Assert.Equal(3, flow.NotAllocated.Ineligible.Count);
        // S01 fails I07 and E04, S02 E04, S08 I01, I07 and E04: each screening once in the total, once per criterion.
        Assert.Equal([("I01", 1), ("I07", 2), ("E04", 3)], Criteria(flow.NotAllocated.Ineligible));
        Assert.Equal(2, flow.NotAllocated.EligibilityNotEstablished.Count);
        Assert.Equal([("I05", 2), ("I08", 1)], Criteria(flow.NotAllocated.EligibilityNotEstablished));
        Assert.Equal(1, flow.NotAllocated.EligibleNotAllocated);
        Assert.Equal(5, flow.Allocated);
    }

    [Fact]
    public void AllSites_ArmCountsEqualTheHandCount()
    {
        var flow = Flow();
        Assert.Equal([SurgeryOnly, Neoadjuvant], flow.Arms.Select(a => a.Arm));
        var surgery = flow.Arms[0];
        var neoadjuvant = flow.Arms[1];

        Assert.Equal((2, 1, 0, 1), (surgery.Allocated, surgery.Intervention.Received, surgery.Intervention.NotReceived, surgery.Intervention.NotYetKnown));
        Assert.Equal((1, 0, 1, 0), (surgery.FollowUp.ExcludedAfterAllocation, surgery.FollowUp.Withdrawn, surgery.FollowUp.LostToFollowUp, surgery.FollowUp.AllocatedInError));
        Assert.Equal([new ReasonCount("Final pathology: WDLPS", 1)], surgery.FollowUp.ExclusionReasons);
        Assert.Equal((2, 0), (surgery.Analysed, surgery.ExcludedFromAnalysis));

        Assert.Equal((3, 2, 1, 0), (neoadjuvant.Allocated, neoadjuvant.Intervention.Received, neoadjuvant.Intervention.NotReceived, neoadjuvant.Intervention.NotYetKnown));
        Assert.Equal([new ReasonCount("Declined chemotherapy", 1)], neoadjuvant.Intervention.NotReceivedReasons);
        Assert.Equal((0, 1, 0, 1), (neoadjuvant.FollowUp.ExcludedAfterAllocation, neoadjuvant.FollowUp.Withdrawn, neoadjuvant.FollowUp.LostToFollowUp, neoadjuvant.FollowUp.AllocatedInError));
        Assert.Equal([new ReasonCount("Withdrew consent", 1)], neoadjuvant.FollowUp.WithdrawalReasons);
        Assert.Equal((3, 0), (neoadjuvant.Analysed, neoadjuvant.ExcludedFromAnalysis));
    }

    [Fact]
    public void OneSite_CountsOnlyThatSitesScreeningsAndParticipants()
    {
        var pkuih = Flow("PKUIH");
        Assert.Equal(("PKUIH", "Peking University International Hospital"), (pkuih.SiteId, pkuih.SiteName));
        Assert.Equal((7, 2, 1, 1, 3), (pkuih.AssessedForEligibility, pkuih.NotAllocated.Ineligible.Count,
            pkuih.NotAllocated.EligibilityNotEstablished.Count, pkuih.NotAllocated.EligibleNotAllocated, pkuih.Allocated));
        Assert.Equal([("I07", 1), ("E04", 2)], Criteria(pkuih.NotAllocated.Ineligible));
        Assert.Equal([1, 2], pkuih.Arms.Select(a => a.Allocated));

        var xjtu = Flow("XJTU1");
        Assert.Equal((4, 1, 1, 0, 2), (xjtu.AssessedForEligibility, xjtu.NotAllocated.Ineligible.Count,
            xjtu.NotAllocated.EligibilityNotEstablished.Count, xjtu.NotAllocated.EligibleNotAllocated, xjtu.Allocated));
        Assert.Equal([("I01", 1), ("I07", 1), ("E04", 1)], Criteria(xjtu.NotAllocated.Ineligible));
        Assert.Equal([("I05", 1), ("I08", 1)], Criteria(xjtu.NotAllocated.EligibilityNotEstablished));
        Assert.Equal([1, 1], xjtu.Arms.Select(a => a.Allocated));

        var empty = Flow("QDUAH");
        Assert.Equal((0, 0, 0), (empty.AssessedForEligibility, empty.NotAllocated.Total, empty.Allocated));
    }

    [Fact]
    public void EveryFlow_AddsUp()
    {
        foreach (var site in new string?[] { null, "PKUIH", "XJTU1", "BFH" })
        {
            var flow = Flow(site);
            var excluded = flow.NotAllocated;
            Assert.Equal(flow.AssessedForEligibility,
                excluded.Ineligible.Count + flow.Allocated + excluded.EligibilityNotEstablished.Count + excluded.EligibleNotAllocated);
            Assert.Equal(excluded.Total, excluded.Ineligible.Count + excluded.EligibilityNotEstablished.Count + excluded.EligibleNotAllocated);
            Assert.Equal(flow.Allocated, flow.Arms.Sum(a => a.Allocated));
            Assert.All(flow.Arms, a => Assert.Equal(a.Allocated, a.Intervention.Received + a.Intervention.NotReceived + a.Intervention.NotYetKnown));
        }
    }

    [Fact]
    public void SitesTogether_AddUpToTheWholeTrial()
    {
        var trial = Simulated();
        var overall = ConsortFlow.Build(Natars, trial.Screenings, trial.Participants, DataCut);
        var bySite = Natars.Sites.Select(s => ConsortFlow.Build(Natars, trial.Screenings, trial.Participants, DataCut, s.Id)).ToArray();
        Assert.Equal(overall.AssessedForEligibility, bySite.Sum(f => f.AssessedForEligibility));
        Assert.Equal(overall.NotAllocated.Total, bySite.Sum(f => f.NotAllocated.Total));
        Assert.Equal(overall.Allocated, bySite.Sum(f => f.Allocated));
        Assert.Equal(102, overall.Allocated);
        for (var arm = 0; arm < overall.Arms.Count; arm++)
            Assert.Equal(overall.Arms[arm].FollowUp.Withdrawn, bySite.Sum(f => f.Arms[arm].FollowUp.Withdrawn));
    }

    [Fact]
    public void AnyScreeningLog_AddsUp()
    {
        var outcomes = Gen.Enum<EligibilityOutcome>();
        string[] ids = ["I01", "I05", "I07", "E04", "E09"];
        var criteria = Gen.Int[0, ids.Length - 1].Select(i => ids[i]).Array[0, 3];
        Gen.Select(outcomes, criteria, Gen.Bool, Gen.Bool.Select(b => b ? "PKUIH" : "BFH")).Array[0, 40].Sample(rows =>
        {
            var screenings = rows.Select((r, i) => ScreeningOf($"S{i}", r.Item4,
                r.Item1, failed: r.Item1 == EligibilityOutcome.Ineligible ? ["I01", .. r.Item2] : [],
                missing: r.Item1 == EligibilityOutcome.Incomplete ? ["I05", .. r.Item2] : [],
                participant: r.Item1 == EligibilityOutcome.Eligible && r.Item3 ? $"P{i}" : null)).ToArray();
            var participants = screenings.Where(s => s.ParticipantId is not null)
                .Select((s, i) => Participant(s.ParticipantId!, s.SiteId, i % 2 == 0 ? Neoadjuvant : SurgeryOnly)).ToArray();
            var flow = ConsortFlow.Build(Natars, screenings, participants, DataCut);
            var e = flow.NotAllocated;
            Assert.Equal(flow.AssessedForEligibility, e.Ineligible.Count + flow.Allocated + e.EligibilityNotEstablished.Count + e.EligibleNotAllocated);
            Assert.Equal(flow.Allocated, flow.Arms.Sum(a => a.Analysed));
            // Every ineligible screening is under I01; the other criteria at most once each per screening.
            Assert.All(e.Ineligible.Criteria, c => Assert.InRange(c.Count, 0, e.Ineligible.Count));
        });
    }

    [Fact]
    public void Analysis_IsIntentionToTreatAndSaysSo()
    {
        var flow = Flow();
        Assert.Equal(ConsortFlow.IntentionToTreat, flow.AnalysisSet);
        Assert.Contains("Intention-to-treat", flow.AnalysisNote);
        Assert.All(flow.Arms, a => Assert.Equal(a.Allocated, a.Analysed));
    }

    [Fact]
    public void CriterionCounts_CarryTheCatalogueText()
    {
        var i07 = Flow().NotAllocated.Ineligible.Criteria.Single(c => c.Id == "I07");
        Assert.Equal(Natars.Criterion("I07").Text, i07.Text);
        Assert.Equal(Natars.Criterion("I07").Kind, i07.Kind);
    }

    [Fact]
    public void UnknownSite_IsRejected() =>
        Assert.Throws<ArgumentException>(() => Flow("NOPE"));

    [Fact]
    public void ParticipantWithoutAllocatedScreening_IsRejected() =>
        Assert.Throws<ArgumentException>(() => ConsortFlow.Build(Natars, HandCountedScreenings,
            [.. HandCountedParticipants, Participant("P9", "PKUIH", Neoadjuvant)], DataCut));

    [Fact]
    public void AllocatedScreeningWithoutParticipant_IsRejected() =>
        Assert.Throws<ArgumentException>(() => ConsortFlow.Build(Natars, HandCountedScreenings, HandCountedParticipants[1..], DataCut));

    [Fact]
    public void Json_HasTheDataCutInUtcAndTheProtocolVersion()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Flow(), ReportJson.Options);
        Assert.Contains("\"dataCutAt\":\"2027-03-01T00:00:00Z\"", json);
        Assert.Contains("\"protocolVersion\":\"NATARS-1.0\"", json);
        Assert.Contains("\"analysisSet\":\"intention_to_treat\"", json);
        Assert.Contains("\"kind\":\"inclusion\"", json);
    }
}
