using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Outcomes;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>
/// What a new adverse-event version does to its SAE clock (protocol.md §6: a serious event starts a 24-hour report
/// clock to the sponsor): start it, move its deadline (awareness corrected), close it (report marked sent, or no longer
/// serious), reopen it, or nothing. Pure: the history, the stored clock and the instant are arguments.
/// </summary>
public sealed record SaeClockPlan(SaeClockWrite? Write, IReadOnlyList<SaeAlarm> Alarms)
{
    public static readonly SaeClockPlan Unchanged = new(null, []);

    /// <summary>True when this change starts a clock whose first notification must go out now.</summary>
    public bool StartsClock => Alarms.Any(a => a.Kind == SaeAlarmKind.Initial);

    public static SaeClockPlan For(AdverseEventHistory history, string siteId, SaeClockRecord? stored, ProtocolDefinition protocol,
        DateTimeOffset now)
    {
        var clock = SaeClock.Of(history, protocol);
        if (clock is null)
        {
            // Not serious (any more): a running clock stops; the record of it stays.
            return stored is { IsOpenForSite: true }
                ? new SaeClockPlan(new SaeClockWrite(stored with
                {
                    Status = SaeClockStatus.Closed, ClosedAt = now, ClosedReason = SaeClockRecord.ClosedNotSerious,
                }, Insert: false), [])
                : Unchanged;
        }

        var restart = stored is null || stored is { Status: SaeClockStatus.Closed, ClosedReason: SaeClockRecord.ClosedNotSerious };
        if (restart)
        {
            var generation = (stored?.Generation ?? 0) + 1;
            var started = new SaeClockRecord(history.ParticipantId, siteId, history.AdverseEventId, generation, clock.AwareAt,
                clock.Deadline, SaeClockStatus.Open, ETag: stored?.ETag);
            if (clock.ReportSentAt is { } sentAlready)
            {
                // Reported before it was recorded here: a clock with nothing left to remind of.
                started = started with
                {
                    Status = SaeClockStatus.Closed, ReportSentAt = sentAlready, ClosedAt = now, ClosedReason = SaeClockRecord.ClosedReportSent,
                };
                return new SaeClockPlan(new SaeClockWrite(started, Insert: stored is null), []);
            }
            return new SaeClockPlan(new SaeClockWrite(started, Insert: stored is null),
            [
                Alarm(started, SaeAlarmKind.Initial, now, now),
                Alarm(started, SaeAlarmKind.Escalation, clock.Deadline, now),
            ]);
        }

        var current = stored!;
        if (clock.ReportSentAt is { } sent)
        {
            if (current.Status == SaeClockStatus.Closed && current.ReportSentAt == sent && current.Deadline == clock.Deadline)
                return Unchanged;
            return new SaeClockPlan(new SaeClockWrite(current with
            {
                AwareAt = clock.AwareAt, Deadline = clock.Deadline, Status = SaeClockStatus.Closed, ReportSentAt = sent,
                ClosedAt = current.ClosedAt ?? now, ClosedReason = SaeClockRecord.ClosedReportSent,
            }, Insert: false), []);
        }

        // Serious, not reported: the clock runs. A correction of the awareness moves the deadline; a correction that
        // removes the sent time reopens the clock.
        var status = current.EscalatedAt is not null ? SaeClockStatus.Escalated : SaeClockStatus.Open;
        if (current.Status == status && current.Deadline == clock.Deadline && current.AwareAt == clock.AwareAt)
            return Unchanged;
        var running = current with
        {
            AwareAt = clock.AwareAt, Deadline = clock.Deadline, Status = status, ReportSentAt = null, ClosedAt = null, ClosedReason = null,
        };
        return new SaeClockPlan(new SaeClockWrite(running, Insert: false),
            status == SaeClockStatus.Open ? [Alarm(running, SaeAlarmKind.Escalation, clock.Deadline, now)] : []);
    }

    private static SaeAlarm Alarm(SaeClockRecord clock, SaeAlarmKind kind, DateTimeOffset dueAt, DateTimeOffset now) =>
        new(clock.ParticipantId, clock.SiteId, clock.AdverseEventId, clock.Generation, kind, dueAt, now);
}
