using CsCheck;
using RpsServerless.Core.Scheduling;
using static RpsServerless.Core.Tests.Scheduling.Natars;

namespace RpsServerless.Core.Tests.Scheduling;

/// <summary>Invariants that hold for every participant state, not just the examples.</summary>
public class SchedulePropertyTests
{
    private static readonly DateOnly FirstAllocation = D("2025-01-01");

    /// <summary>
    /// A participant allocated some day in 2025–2029, whose fixed visits were each done some days after target (or
    /// marked missed) up to a random point, with some follow-ups done, and possibly an ending event.
    /// </summary>
    private static readonly Gen<(ParticipantTimeline Participant, DateOnly Today, DateOnly OtherDay)> Participants =
        Gen.Select(Gen.Bool, Gen.Int[0, 1800], Gen.Int[0, 6], Gen.Int[-3, 12].Array[8], Gen.Int[0, 40].Array[16])
            .Select(Gen.Int[0, 3], Gen.Int[0, 2500], Gen.Int[0, 2500], (shape, ending, endDay, otherDay) =>
            {
                var (neoadjuvant, allocationDay, fixedDone, delays, followUp) = shape;
                var allocatedOn = FirstAllocation.AddDays(allocationDay);
                var participant = new ParticipantTimeline(ParticipantId, "FUSCC", neoadjuvant ? Neoadjuvant : SurgeryOnly, allocatedOn, []);
                var records = new List<RecordedVisit>();
                var schedule = ScheduleBuilder.Build(Natars.Protocol, participant, allocatedOn);
                for (var i = 0; i < fixedDone && i < schedule.Visits.Count; i++)
                {
                    var visit = schedule.Visits[i];
                    if (visit.TargetDate is not { } target || visit.VisitId.StartsWith("FU", StringComparison.Ordinal)) break;
                    records.Add(delays[i] > 10 ? RecordedVisit.Missed(visit.VisitId, "Not given.") : RecordedVisit.Completed(visit.VisitId, target.AddDays(delays[i])));
                    schedule = ScheduleBuilder.Build(Natars.Protocol, participant with { RecordedVisits = records.ToList() }, allocatedOn);
                }
                var followUps = schedule.Visits.Where(v => v.VisitId.StartsWith("FU", StringComparison.Ordinal)).ToList();
                for (var k = 0; k < followUps.Count; k++)
                    if (followUp[k] < 10) records.Add(RecordedVisit.Completed(followUps[k].VisitId, followUps[k].TargetDate!.Value.AddDays(followUp[k])));

                var end = allocatedOn.AddDays(endDay);
                participant = participant with
                {
                    RecordedVisits = records,
                    DiedOn = ending == 1 ? end : null,
                    WithdrewOn = ending == 2 ? end : null,
                    StudyClosedOn = ending == 3 ? end : null,
                };
                return (participant, allocatedOn.AddDays(endDay / 2), allocatedOn.AddDays(otherDay));
            });

    [Fact]
    public void Reminders_DependOnTheParticipantsStateNeverOnToday() =>
        Participants.Sample(p => Assert.Equal(
            ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.Today).Reminders,
            ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.OtherDay).Reminders), iter: 300);

    [Fact]
    public void RebuildingTheSameState_ChangesNoReminder() =>
        Participants.Sample(p =>
        {
            var reminders = ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.Today).Reminders;
            Assert.True(ReminderDiff.Between(reminders, ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.Today).Reminders).IsEmpty);
        }, iter: 300);

    [Fact]
    public void EveryVisitWithDates_HasItsTargetInsideItsWindow_AndDatesComeTogether() =>
        Participants.Sample(p =>
        {
            foreach (var v in ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.Today).Visits)
            {
                if (v.TargetDate is { } target)
                    Assert.True(v.WindowStart <= target && target <= v.WindowEnd, v.VisitId);
                else
                    Assert.True(v.WindowStart is null && v.WindowEnd is null && v.Status is VisitStatus.PendingAnchor or VisitStatus.Cancelled, v.VisitId);
            }
        }, iter: 300);

    [Fact]
    public void Reminders_AreUnique_AndOnlyForVisitsThatCanStillBeDone_AndNeverBeforeAllocationOrAfterTheEnd() =>
        Participants.Sample(p =>
        {
            var schedule = ScheduleBuilder.Build(Natars.Protocol, p.Participant, p.Today);
            Assert.Equal(schedule.Reminders.Count, schedule.Reminders.Select(r => r.ReminderId).Distinct().Count());
            var ended = new[] { p.Participant.DiedOn, p.Participant.WithdrewOn, p.Participant.StudyClosedOn }.Min();
            foreach (var r in schedule.Reminders)
            {
                Assert.Contains(schedule.Visit(r.VisitId).Status, new[] { VisitStatus.Scheduled, VisitStatus.Due, VisitStatus.Overdue });
                Assert.True(r.Date >= p.Participant.AllocatedOn);
                Assert.True(ended is null || r.Date <= ended);
            }
        }, iter: 300);

    [Fact]
    public void FromTheEndingDateOn_NoVisitIsLeftPendingScheduledOrDue() =>
        Participants.Sample(p =>
        {
            if (new[] { p.Participant.DiedOn, p.Participant.WithdrewOn, p.Participant.StudyClosedOn }.Min() is not { } ended) return;
            var today = p.OtherDay > ended ? p.OtherDay : ended;
            Assert.All(ScheduleBuilder.Build(Natars.Protocol, p.Participant, today).Visits, v =>
                Assert.DoesNotContain(v.Status, new[] { VisitStatus.PendingAnchor, VisitStatus.Scheduled, VisitStatus.Due }));
        }, iter: 300);
}
