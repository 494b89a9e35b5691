using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>AEs per arm by worst grade per participant, SAEs, most frequent terms.</summary>
public class SafetySummaryTests
{
    private static int _ids;

    private static AdverseEventHistory Event(string participant, AdverseEventFacts facts) =>
        AdverseEventHistory.Start($"ae_{Interlocked.Increment(ref _ids)}", participant, facts, At(0));

    private static readonly string[] Arms = ["surgery_only", "neoadjuvant"];

    [Fact]
    public void WorstGradePerParticipant_SeriousCountsAndTerms_ArePerArm()
    {
        var participants = new[]
        {
            new ParticipantSafety("N1", "neoadjuvant", [Event("N1", Ae("Anemia", 2)), Event("N1", Ae("Neutrophil count decreased", 4, serious: true, criteria: [SeriousnessCriterion.LifeThreatening]))]),
            new ParticipantSafety("N2", "neoadjuvant", [Event("N2", Ae("anemia ", 1)), Event("N2", Ae("Anemia", 3)), Event("N2", Ae("Nausea", 1))]),
            new ParticipantSafety("N3", "neoadjuvant", []),
            new ParticipantSafety("S1", "surgery_only", [Event("S1", Ae("Wound infection", 3, serious: true)), Event("S1", Ae("Wound infection", 2, serious: true))]),
            new ParticipantSafety("S2", "surgery_only",
                [Event("S2", Ae("Sepsis", 5, serious: true, criteria: [SeriousnessCriterion.Death], outcome: AdverseEventOutcome.Fatal))]),
        };
        var arms = SafetySummary.ByArm(participants, Arms);

        Assert.Equal(["surgery_only", "neoadjuvant"], arms.Select(a => a.Arm));
        var neo = arms[1];
        Assert.Equal(3, neo.Participants);
        Assert.Equal(new WorstGradeCounts(None: 1, Grade1: 0, Grade2: 0, Grade3: 1, Grade4: 1, Grade5: 0), neo.WorstGrade);
        Assert.Equal((5, 1, 1), (neo.AdverseEvents, neo.SeriousAdverseEvents, neo.ParticipantsWithSeriousAdverseEvent));
        Assert.Equal(new TermFrequency("Anemia", 2, 3), neo.MostFrequentTerms[0]);
        Assert.Equal(["Anemia", "Nausea", "Neutrophil count decreased"], neo.MostFrequentTerms.Select(t => t.Term));

        var surgery = arms[0];
        Assert.Equal(new WorstGradeCounts(0, 0, 0, 1, 0, 1), surgery.WorstGrade);
        Assert.Equal((3, 3, 2), (surgery.AdverseEvents, surgery.SeriousAdverseEvents, surgery.ParticipantsWithSeriousAdverseEvent));
        Assert.Equal(new TermFrequency("Wound infection", 1, 2), surgery.MostFrequentTerms[0]);
    }

    [Fact]
    public void WorstGrade_UsesTheWorstGradeOfAnEventAcrossItsFollowUps()
    {
        var history = Event("N1", Ae(grade: 3));
        history = history.Append(new AdverseEventReport(history.AdverseEventId, AdverseEventChange.FollowUp, null, Ae(grade: 1)), At(2)).History!;
        var arm = SafetySummary.ByArm([new ParticipantSafety("N1", "neoadjuvant", [history])], Arms)[1];
        Assert.Equal(1, arm.WorstGrade.Grade3);
        Assert.Equal(1, arm.AdverseEvents);
    }

    [Fact]
    public void EmptyArm_IsListedWithZeros()
    {
        var arm = SafetySummary.ByArm([], Arms)[0];
        Assert.Equal((0, new WorstGradeCounts(0, 0, 0, 0, 0, 0), 0), (arm.Participants, arm.WorstGrade, arm.AdverseEvents));
        Assert.Empty(arm.MostFrequentTerms);
    }

    [Fact]
    public void MostFrequentTerms_AreCutToTheRequestedCount()
    {
        var events = Enumerable.Range(1, 15).Select(i => Event("N1", Ae($"Term {i:00}", 1))).ToArray();
        var arm = SafetySummary.ByArm([new ParticipantSafety("N1", "neoadjuvant", events)], Arms, termCount: 4)[1];
        Assert.Equal(["Term 01", "Term 02", "Term 03", "Term 04"], arm.MostFrequentTerms.Select(t => t.Term));
    }
}
