using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>An adverse event is the ordered list of its versions: follow-ups and corrections never overwrite.</summary>
public class AdverseEventHistoryTests
{
    private static AdverseEventHistory First(AdverseEventFacts? facts = null) =>
        AdverseEventHistory.Start("ae_7", "NATARS-BFH-0003", facts ?? Ae(grade: 2), At(0));

    private static AdverseEventReport FollowUp(AdverseEventFacts facts) => new("ae_7", AdverseEventChange.FollowUp, null, facts);

    [Fact]
    public void FollowUps_AddVersionsAndKeepEveryEarlierOne()
    {
        var initial = Ae(grade: 2);
        var worse = Ae(grade: 4, serious: true, criteria: [SeriousnessCriterion.LifeThreatening], awareAt: At(5));
        var better = worse with { Grade = 1, Outcome = AdverseEventOutcome.Recovered, ResolutionDate = new DateOnly(2027, 3, 9) };
        var history = First(initial);
        history = history.Append(FollowUp(worse), At(6)).History!;
        history = history.Append(FollowUp(better), At(200)).History!;

        Assert.Equal([1, 2, 3], history.Versions.Select(v => v.Version));
        Assert.Equal([AdverseEventChange.Initial, AdverseEventChange.FollowUp, AdverseEventChange.FollowUp], history.Versions.Select(v => v.Change));
        Assert.Equal(initial, history.Versions[0].Facts);
        Assert.Equal(worse, history.Versions[1].Facts);
        Assert.Equal(better, history.Current);
        Assert.Equal([At(0), At(6), At(200)], history.Versions.Select(v => v.RecordedAt));
    }

    [Fact]
    public void WorstGrade_IsTheHighestSinceTheLastCorrection()
    {
        var history = First(Ae(grade: 2));
        history = history.Append(FollowUp(Ae(grade: 3)), At(1)).History!;
        history = history.Append(FollowUp(Ae(grade: 1)), At(2)).History!;
        Assert.Equal(3, history.WorstGrade);

        history = history.Append(new AdverseEventReport("ae_7", AdverseEventChange.Correction, "Grade 3 was a transcription error; nadir ANC was 1.2.", Ae(grade: 2)), At(3)).History!;
        Assert.Equal(2, history.WorstGrade);
        Assert.Equal(4, history.Versions.Count);
        Assert.Equal("Grade 3 was a transcription error; nadir ANC was 1.2.", history.Versions[^1].ChangeReason);
    }

    [Fact]
    public void CorrectionWithoutReason_IsRefused()
    {
        var result = First().Append(new AdverseEventReport("ae_7", AdverseEventChange.Correction, null, Ae(grade: 1)), At(1));
        Assert.Null(result.History);
        Assert.Equal("changeReason", Assert.Single(result.Conflicts).Path);
    }

    [Fact]
    public void FollowUpChangingTheTermOrOnset_MustBeACorrection()
    {
        var changed = Ae(term: "Febrile neutropenia") with { OnsetDate = new DateOnly(2027, 2, 27) };
        var result = First().Append(FollowUp(changed), At(1));
        Assert.Null(result.History);
        Assert.Equal(["term", "onsetDate"], result.Conflicts.Select(e => e.Path));

        var corrected = First().Append(new AdverseEventReport("ae_7", AdverseEventChange.Correction, "Wrong term chosen.", changed), At(1));
        Assert.Equal("Febrile neutropenia", corrected.History!.Current.Term);
        Assert.Equal("Neutrophil count decreased", corrected.History.Versions[0].Facts.Term);
    }

    [Fact]
    public void SecondInitialReportOrAnotherEventsIdOrOutOfOrderTime_IsRefused()
    {
        var history = First();
        Assert.Equal("change", Assert.Single(history.Append(new AdverseEventReport(null, AdverseEventChange.Initial, null, Ae()), At(1)).Conflicts).Path);
        Assert.Equal("adverseEventId", Assert.Single(history.Append(new AdverseEventReport("ae_8", AdverseEventChange.FollowUp, null, Ae()), At(1)).Conflicts).Path);
        Assert.Equal("$", Assert.Single(history.Append(FollowUp(Ae()), At(-1)).Conflicts).Path);
    }

    [Fact]
    public void AppendLeavesTheOriginalHistoryUnchanged()
    {
        var history = First();
        _ = history.Append(FollowUp(Ae(grade: 4)), At(1));
        Assert.Single(history.Versions);
        Assert.Equal(2, history.Current.Grade);
    }

    [Fact]
    public void RestoredHistory_MustStartWithTheInitialReportAndBeNumberedInOrder()
    {
        var good = First().Append(FollowUp(Ae(grade: 3)), At(1)).History!;
        var restored = AdverseEventHistory.Restore("ae_7", "NATARS-BFH-0003", good.Versions);
        Assert.Equal(good.Versions, restored.Versions);
        Assert.Throws<ArgumentException>(() => AdverseEventHistory.Restore("ae_7", "p", []));
        Assert.Throws<ArgumentException>(() => AdverseEventHistory.Restore("ae_7", "p", [good.Versions[1]]));
        Assert.Throws<ArgumentException>(() => AdverseEventHistory.Restore("ae_7", "p", [good.Versions[0], good.Versions[0]]));
    }
}
