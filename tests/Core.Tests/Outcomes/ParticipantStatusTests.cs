using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>Status events are appended, corrected with a reason, never deleted, and checked against the participant's state.</summary>
public class ParticipantStatusTests
{
    private static readonly DateOnly Today = Day(400);

    private static StatusCheck Check(ParticipantStatusEvent statusEvent, ParticipantStatusRecord[]? records = null, DateOnly? contact = null,
        int? corrects = null, string? reason = null) =>
        ParticipantStatusHistory.Check(new ParticipantStatusReport(statusEvent, corrects, reason), new ParticipantState(Allocated, Today, records ?? [], contact));

    [Fact]
    public void FirstDeathAfterAllocation_IsAccepted() => Assert.True(Check(new Died(Day(300), DeathCause.Sarcoma)).IsAccepted);

    [Fact]
    public void DeathBeforeAllocation_IsAnErrorAtDate()
    {
        var check = Check(new Died(Day(-1), DeathCause.Other));
        Assert.Equal("date", Assert.Single(check.Errors).Path);
        Assert.Contains("before the allocation date 2027-01-04", check.Errors[0].Message);
    }

    [Fact]
    public void DateInTheFuture_IsAnError()
    {
        Assert.Equal("date", Assert.Single(Check(new AliveOn(Today.AddDays(1))).Errors).Path);
        Assert.Equal("lastKnownAliveOn", Assert.Single(Check(new LostToFollowUp(Today.AddDays(1))).Errors).Path);
    }

    [Fact]
    public void SecondDeath_IsAConflict()
    {
        var check = Check(new Died(Day(310), DeathCause.Sarcoma), Records(new Died(Day(300), DeathCause.Sarcoma)));
        Assert.Equal("status", Assert.Single(check.Conflicts).Path);
        Assert.Contains("already recorded", check.Conflicts[0].Message);
    }

    [Theory]
    [InlineData(ParticipantStatusKind.Alive)]
    [InlineData(ParticipantStatusKind.Withdrawn)]
    [InlineData(ParticipantStatusKind.LostToFollowUp)]
    public void EventAfterDeath_IsAConflict(ParticipantStatusKind kind)
    {
        ParticipantStatusEvent later = kind switch
        {
            ParticipantStatusKind.Alive => new AliveOn(Day(320)),
            ParticipantStatusKind.Withdrawn => new Withdrawn(Day(320), WithdrawalReason.Other),
            _ => new LostToFollowUp(Day(320)),
        };
        var check = Check(later, Records(new Died(Day(300), DeathCause.Sarcoma)));
        Assert.Contains("after the recorded death on 2027-10-31", Assert.Single(check.Conflicts).Message);
    }

    [Fact]
    public void DeathBeforeTheParticipantWasKnownAlive_IsAConflict()
    {
        Assert.Equal("date", Assert.Single(Check(new Died(Day(200), DeathCause.Other), Records(new AliveOn(Day(250)))).Conflicts).Path);
        Assert.Equal("date", Assert.Single(Check(new Died(Day(200), DeathCause.Other), contact: Day(210)).Conflicts).Path);
        Assert.True(Check(new Died(Day(210), DeathCause.Other), Records(new AliveOn(Day(210))), contact: Day(210)).IsAccepted);
    }

    [Fact]
    public void CorrectingTheDeathDate_ReplacesTheDeathInsteadOfAddingASecond()
    {
        var records = Records(new Died(Day(300), DeathCause.Sarcoma));
        var check = Check(new Died(Day(305), DeathCause.Sarcoma), records, corrects: 1, reason: "Date taken from the death certificate.");
        Assert.True(check.IsAccepted, string.Join("; ", check.Conflicts));
    }

    [Fact]
    public void CorrectionWithoutReason_OrOfAnUnknownOrAlreadyCorrectedRecord_IsRefused()
    {
        var records = new[]
        {
            new ParticipantStatusRecord(1, new AliveOn(Day(100)), At(0)),
            new ParticipantStatusRecord(2, new AliveOn(Day(101)), At(1), CorrectsRecord: 1, CorrectionReason: "Typo."),
        };
        Assert.Equal("correctionReason", Assert.Single(Check(new AliveOn(Day(102)), records, corrects: 2).Errors).Path);
        Assert.Equal("correctsRecord", Assert.Single(Check(new AliveOn(Day(102)), records, corrects: 9, reason: "x").Conflicts).Path);
        var again = Check(new AliveOn(Day(102)), records, corrects: 1, reason: "x");
        Assert.Contains("correct record 2 instead", Assert.Single(again.Conflicts).Message);
        Assert.Equal("correctionReason", Assert.Single(Check(new AliveOn(Day(102)), records, reason: "no target").Errors).Path);
    }

    [Fact]
    public void SecondWithdrawalOrAllocationError_IsAConflict()
    {
        Assert.Single(Check(new Withdrawn(Day(50), WithdrawalReason.Other), Records(new Withdrawn(Day(40), WithdrawalReason.Other))).Conflicts);
        Assert.Single(Check(new AllocatedInError(AllocationErrorReason.Other), Records(new AllocatedInError(AllocationErrorReason.DuplicateRegistration))).Conflicts);
    }

    [Fact]
    public void VitalStatusAfterWithdrawal_IsAccepted()
    {
        var records = Records(new Withdrawn(Day(40), WithdrawalReason.ConsentWithdrawn));
        Assert.True(Check(new AliveOn(Day(200)), records).IsAccepted);
        Assert.True(Check(new Died(Day(300), DeathCause.Unknown), records).IsAccepted);
    }

    [Fact]
    public void InForce_KeepsEveryRecordStoredAndDropsOnlyCorrectedOnes()
    {
        var records = new[]
        {
            new ParticipantStatusRecord(1, new Died(Day(120), DeathCause.Unknown), At(0)),
            new ParticipantStatusRecord(2, new AliveOn(Day(130)), At(1)),
            new ParticipantStatusRecord(3, new AliveOn(Day(140)), At(2), CorrectsRecord: 1, CorrectionReason: "Wrong participant."),
        };
        Assert.Equal([2, 3], ParticipantStatusHistory.InForce(records).Select(r => r.Sequence));
        Assert.Null(ParticipantStatusHistory.Death(records));
        Assert.Equal(3, records.Length);
    }
}
