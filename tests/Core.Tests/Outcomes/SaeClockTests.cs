using RpsServerless.Core.Outcomes;
using static RpsServerless.Core.Tests.Outcomes.Outcomes;

namespace RpsServerless.Core.Tests.Outcomes;

/// <summary>The 24-hour sponsor-report clock of a serious adverse event, judged at its boundary instants.</summary>
public class SaeClockTests
{
    private static readonly DateTimeOffset Aware = new(2027, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ExactlyTwentyFourHours = Aware.AddHours(24);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public void Deadline_IsAwarenessPlusTheProtocols24Hours()
    {
        Assert.Equal(24, Natars.Endpoints.SaeReportHours);
        Assert.Equal(new DateTimeOffset(2027, 3, 2, 9, 30, 0, TimeSpan.Zero), SaeClock.Start(Aware, null, Natars).Deadline);
    }

    [Fact]
    public void Unreported_IsOpenUntilJustBeforeTheDeadline()
    {
        var clock = SaeClock.Start(Aware, null, Natars);
        Assert.Equal(SaeClockState.Open, clock.StateAt(Aware));
        Assert.Equal(SaeClockState.Open, clock.StateAt(ExactlyTwentyFourHours - Tick));
        Assert.False(clock.IsEscalationDueAt(ExactlyTwentyFourHours - Tick));
    }

    [Fact]
    public void Unreported_IsOverdueAndDueForEscalationAtExactly24Hours()
    {
        var clock = SaeClock.Start(Aware, null, Natars);
        Assert.Equal(SaeClockState.Overdue, clock.StateAt(ExactlyTwentyFourHours));
        Assert.True(clock.IsEscalationDueAt(ExactlyTwentyFourHours));
        Assert.Equal(ExactlyTwentyFourHours, clock.EscalationDueAt);
        Assert.Equal(SaeClockState.Overdue, clock.StateAt(ExactlyTwentyFourHours.AddDays(3)));
    }

    [Fact]
    public void ReportSentAtExactly24Hours_IsOnTime()
    {
        var clock = SaeClock.Start(Aware, ExactlyTwentyFourHours, Natars);
        Assert.Equal(SaeClockState.ReportedOnTime, clock.StateAt(ExactlyTwentyFourHours));
        Assert.False(clock.IsEscalationDueAt(ExactlyTwentyFourHours));
        Assert.Null(clock.EscalationDueAt);
    }

    [Fact]
    public void ReportSentOneTickAfter24Hours_IsLate()
    {
        var sent = ExactlyTwentyFourHours + Tick;
        var clock = SaeClock.Start(Aware, sent, Natars);
        Assert.Equal(SaeClockState.Overdue, clock.StateAt(ExactlyTwentyFourHours));
        Assert.Equal(SaeClockState.ReportedLate, clock.StateAt(sent));
        Assert.False(clock.IsEscalationDueAt(sent));
        Assert.Equal(ExactlyTwentyFourHours, clock.EscalationDueAt);
    }

    [Fact]
    public void ReportSentEarly_IsOpenBeforeItWasSentAndOnTimeAfter()
    {
        var sent = Aware.AddHours(3);
        var clock = SaeClock.Start(Aware, sent, Natars);
        Assert.Equal(SaeClockState.Open, clock.StateAt(sent - Tick));
        Assert.Equal(SaeClockState.ReportedOnTime, clock.StateAt(sent));
        Assert.Equal(SaeClockState.ReportedOnTime, clock.StateAt(ExactlyTwentyFourHours.AddDays(1)));
    }

    [Fact]
    public void NonSeriousEvent_HasNoClock()
    {
        var history = AdverseEventHistory.Start("ae_1", "NATARS-PKUIH-0001", Ae(serious: false), At(0));
        Assert.Null(SaeClock.Of(history, Natars));
    }

    [Fact]
    public void EventBecomingSeriousInAFollowUp_StartsItsClockAtTheFollowUpsAwareness()
    {
        var history = AdverseEventHistory.Start("ae_1", "NATARS-PKUIH-0001", Ae(serious: false, awareAt: At(0)), At(1));
        history = history.Append(new AdverseEventReport("ae_1", AdverseEventChange.FollowUp, null, Ae(serious: true, awareAt: At(30))), At(31)).History!;
        var clock = SaeClock.Of(history, Natars)!;
        Assert.Equal(At(30), clock.AwareAt);
        Assert.Equal(At(54), clock.Deadline);
    }

    [Fact]
    public void SponsorReportMarkedSentInAFollowUp_ClosesTheClock()
    {
        var history = AdverseEventHistory.Start("ae_1", "NATARS-PKUIH-0001", Ae(serious: true, awareAt: At(0)), At(0));
        Assert.Equal(SaeClockState.Overdue, SaeClock.Of(history, Natars)!.StateAt(At(24)));
        history = history.Append(new AdverseEventReport("ae_1", AdverseEventChange.FollowUp, null, Ae(serious: true, awareAt: At(0), sentAt: At(20))), At(25)).History!;
        var clock = SaeClock.Of(history, Natars)!;
        Assert.Equal(At(0), clock.AwareAt);
        Assert.Equal(SaeClockState.ReportedOnTime, clock.StateAt(At(25)));
    }
}
