using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

/// <summary><c>POST /api/participants/{id}/visits/{visitId}</c>: what is accepted and why anything is refused.</summary>
public class VisitRecordingTests
{
    private static VisitRecordingResult Record(ParticipantTimeline participant, string visitId, VisitRecordingRequest request, string today) =>
        VisitRecording.Validate(Natars.Protocol, participant, visitId, request, D(today));

    private static VisitRecordingRequest CompletedOn(string date) => new(RecordedVisitStatus.Completed, D(date));

    private static readonly VisitRecordingRequest MarkedMissed = new(RecordedVisitStatus.Missed, Reason: "Febrile neutropenia.");

    private static void AssertRejected(VisitRecordingResult result, VisitRecordingOutcome outcome, string path, string mentions)
    {
        Assert.Equal(outcome, result.Outcome);
        Assert.Null(result.Recorded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(mentions, error.Message);
    }

    [Fact]
    public void C1D1DoneWithinItsWindow_IsAccepted()
    {
        var result = Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", CompletedOn("2026-12-07"), "2026-12-07");

        Assert.True(result.IsAccepted);
        Assert.Empty(result.Errors);
        Assert.Equal(Done("C1D1", "2026-12-07"), result.Recorded);
    }

    [Fact]
    public void VisitDoneOutsideItsWindow_IsAccepted_TheDeviationIsData()
    {
        var result = Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", CompletedOn("2026-12-20"), "2026-12-20");

        Assert.True(result.IsAccepted);
    }

    [Fact]
    public void MissedWithAReason_IsAcceptedWithoutADate()
    {
        var result = Record(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "C2D1", MarkedMissed, "2027-01-11");

        Assert.Equal(RecordedVisit.Missed("C2D1", "Febrile neutropenia."), result.Recorded);
    }

    [Theory]
    [InlineData(Neoadjuvant, "FU99")]
    [InlineData(SurgeryOnly, "C1D1")]
    [InlineData(Neoadjuvant, "SURV66")] // beyond the NATARS-1.0 study end date: not in the schedule
    public void VisitNotInTheArmsSchedule_IsUnknown(string arm, string visitId) =>
        AssertRejected(Record(Participant(arm, "2026-11-29"), visitId, CompletedOn("2026-12-07"), "2026-12-07"),
            VisitRecordingOutcome.UnknownVisit, "visitId", visitId);

    [Fact]
    public void DateInTheFuture_IsInvalid() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", CompletedOn("2026-12-08"), "2026-12-07"),
            VisitRecordingOutcome.InvalidInput, "date", "in the future");

    [Fact]
    public void DateToday_IsNotInTheFuture() =>
        Assert.True(Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", CompletedOn("2026-12-07"), "2026-12-07").IsAccepted);

    [Fact]
    public void DateBeforeAllocation_IsInvalid() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29"), "SURGERY", CompletedOn("2026-11-28"), "2026-12-07"),
            VisitRecordingOutcome.InvalidInput, "date", "before the allocation on 2026-11-29");

    [Fact]
    public void DateBeforeTheAnchorsActualDate_IsInvalid() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "C2D1", CompletedOn("2026-12-05"), "2026-12-27"),
            VisitRecordingOutcome.InvalidInput, "date", "before the actual Cycle 1 day 1 (C1D1) on 2026-12-06");

    [Fact]
    public void DateBeforeTheLastActualDateUpTheChainOfAMissedAnchor_IsInvalid()
    {
        // C3D1 was missed, so surgery follows the last cycle actually given, C2D1 on 2026-12-27.
        var participant = Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06"), Done("C2D1", "2026-12-27"), Missed("C3D1"));

        AssertRejected(Record(participant, "SURGERY", CompletedOn("2026-12-26"), "2027-02-21"),
            VisitRecordingOutcome.InvalidInput, "date", "Cycle 2 day 1 (C2D1) on 2026-12-27");
        Assert.True(Record(participant, "SURGERY", CompletedOn("2027-02-01"), "2027-02-21").IsAccepted);
    }

    [Fact]
    public void VisitWhoseAnchorHasNotHappened_IsAConflict() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29"), "C2D1", CompletedOn("2026-12-27"), "2026-12-27"),
            VisitRecordingOutcome.Conflict, "visitId", "record C1D1 first");

    [Fact]
    public void MarkingMissedAVisitWhoseAnchorHasNotHappened_IsAConflict() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29"), "POSTOP30", MarkedMissed, "2026-12-27"),
            VisitRecordingOutcome.Conflict, "visitId", "record SURGERY first");

    [Fact]
    public void VisitDoneAfterDeath_IsAConflict() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29") with { DiedOn = D("2026-12-10") }, "SURGERY", CompletedOn("2026-12-11"), "2026-12-20"),
            VisitRecordingOutcome.Conflict, "date", "the participant died on 2026-12-10");

    [Fact]
    public void VisitDoneOnOrBeforeDeath_CanStillBeEnteredLater()
    {
        var participant = Participant(SurgeryOnly, "2026-11-29") with { DiedOn = D("2026-12-10") };

        Assert.True(Record(participant, "SURGERY", CompletedOn("2026-12-10"), "2027-01-15").IsAccepted);
    }

    [Fact]
    public void VisitDoneAfterWithdrawal_IsAConflict() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29") with { WithdrewOn = D("2026-12-01") }, "SURGERY", CompletedOn("2026-12-02"), "2026-12-20"),
            VisitRecordingOutcome.Conflict, "date", "the participant withdrew on 2026-12-01");

    [Fact]
    public void VisitDoneAfterStudyClosure_IsAConflict() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29") with { StudyClosedOn = D("2026-12-01") }, "SURGERY", CompletedOn("2026-12-02"), "2026-12-20"),
            VisitRecordingOutcome.Conflict, "date", "the study was closed on 2026-12-01");

    [Fact]
    public void MarkingACancelledVisitMissed_IsAConflict() =>
        AssertRejected(Record(Participant(SurgeryOnly, "2026-11-29") with { WithdrewOn = D("2026-12-01") }, "FU03", MarkedMissed, "2027-04-01"),
            VisitRecordingOutcome.Conflict, "status", "cancelled because the participant withdrew");

    [Fact]
    public void RecordingAnAlreadyCompletedVisit_IsAConflict()
    {
        var participant = Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06"));

        AssertRejected(Record(participant, "C1D1", CompletedOn("2026-12-07"), "2026-12-07"),
            VisitRecordingOutcome.Conflict, "status", "already recorded as done on 2026-12-06");
        AssertRejected(Record(participant, "C1D1", MarkedMissed, "2026-12-07"),
            VisitRecordingOutcome.Conflict, "status", "already recorded as done");
    }

    [Fact]
    public void MarkingMissedTwice_IsAConflict_ButAMissedVisitCanBeRecordedDone()
    {
        var participant = Participant(SurgeryOnly, "2026-11-29", Done("SURGERY", "2026-12-13"), Missed("FU03"));

        AssertRejected(Record(participant, "FU03", MarkedMissed, "2027-03-20"), VisitRecordingOutcome.Conflict, "status", "already marked missed");
        Assert.True(Record(participant, "FU03", CompletedOn("2027-03-10"), "2027-03-20").IsAccepted);
    }

    [Fact]
    public void CompletedWithoutADate_IsInvalid() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", new VisitRecordingRequest(RecordedVisitStatus.Completed), "2026-12-07"),
            VisitRecordingOutcome.InvalidInput, "date", "Give the date");

    [Fact]
    public void MissedWithoutAReason_IsInvalid() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1", new VisitRecordingRequest(RecordedVisitStatus.Missed, Reason: " "), "2026-12-20"),
            VisitRecordingOutcome.InvalidInput, "reason", "why");

    [Fact]
    public void MissedWithADate_IsInvalid() =>
        AssertRejected(Record(Participant(Neoadjuvant, "2026-11-29"), "C1D1",
                new VisitRecordingRequest(RecordedVisitStatus.Missed, D("2026-12-07"), "Declined."), "2026-12-20"),
            VisitRecordingOutcome.InvalidInput, "date", "no date");

    [Fact]
    public void BadInputOnAVisitInConflict_ReportsTheInputFirst()
    {
        // The request is wrong whatever the state: the coordinator fixes it before learning about the conflict.
        var result = Record(Participant(Neoadjuvant, "2026-11-29", Done("C1D1", "2026-12-06")), "C1D1",
            new VisitRecordingRequest(RecordedVisitStatus.Completed), "2026-12-07");

        Assert.Equal(VisitRecordingOutcome.InvalidInput, result.Outcome);
    }
}
