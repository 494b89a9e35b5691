using Microsoft.Extensions.Logging;
using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage;
using RpsServerless.Functions.Storage.Outcomes;

namespace RpsServerless.Functions.Workflows.Outcomes;

/// <summary>What handling one alarm did.</summary>
public enum SaeAlarmResult
{
    /// <summary>The notification went on the <c>notifications</c> queue.</summary>
    Sent,
    /// <summary>Not due any more (report marked sent, event no longer serious, clock restarted or moved): discarded.</summary>
    Discarded,
    /// <summary>Not due yet, or its clock is not written yet: kept for a later run.</summary>
    Kept,
}

/// <summary>
/// Sends the notification an alarm stands for, after checking it against the clock, which is the truth:
/// <list type="bullet">
/// <item>the initial <c>sae_report_due</c> goes out once per clock generation (the clock records it);</item>
/// <item>the escalation is claimed first, by an ETag-checked change of the clock from open to escalated, so of two
/// runs only one escalates, and a report marked sent before the claim (which closes the clock) stops it;</item>
/// <item>the alarm is removed only after its message is queued: a crash in between sends it again with the same
/// notification id, which the channels deduplicate.</item>
/// </list>
/// </summary>
public sealed class SaeAlarmHandler(
    IAdverseEventStore adverseEvents,
    ISaeAlarmStore alarms,
    IQueueMessageSender queue,
    ILogger<SaeAlarmHandler> logger)
{
    /// <summary>An alarm whose clock has not appeared after this long belongs to a request that failed: discard it.</summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(10);

    private const int MaxAttempts = 4;

    public async Task<SaeAlarmResult> HandleAsync(SaeAlarm alarm, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginParticipant(alarm.ParticipantId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var clock = await adverseEvents.LoadClockAsync(alarm.ParticipantId, alarm.AdverseEventId, cancellationToken).ConfigureAwait(false);
            if (clock is null)
            {
                if (now - alarm.WrittenAt < OrphanAfter) return SaeAlarmResult.Kept;
                return await DiscardAsync(alarm, "its adverse event was never stored", cancellationToken).ConfigureAwait(false);
            }
            if (clock.Generation != alarm.Generation)
                return await DiscardAsync(alarm, "the clock was restarted", cancellationToken).ConfigureAwait(false);
            if (clock.Status == SaeClockStatus.Closed)
                return await DiscardAsync(alarm, "the clock is closed", cancellationToken).ConfigureAwait(false);

            var protocol = ProtocolCatalog.Get();
            var outcome = alarm.Kind == SaeAlarmKind.Initial
                ? await InitialAsync(alarm, clock, protocol, now, cancellationToken).ConfigureAwait(false)
                : await EscalateAsync(alarm, clock, protocol, now, cancellationToken).ConfigureAwait(false);
            if (outcome is { } done) return done;
            // The clock changed under us (a new version, another run): judge again from what is stored now.
        }
        return SaeAlarmResult.Kept;
    }

    private async Task<SaeAlarmResult?> InitialAsync(SaeAlarm alarm, SaeClockRecord clock, ProtocolDefinition protocol, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (clock.InitialNotifiedAt is not null)
            return await DiscardAsync(alarm, "the initial notification was sent", cancellationToken).ConfigureAwait(false);
        await SendAsync(SaeNotifications.Initial(clock, protocol, now), cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.SaeReportDueNotified, "SAE report due notified for {AdverseEventId}, deadline {Deadline}",
            clock.AdverseEventId, clock.Deadline);
        if (!await adverseEvents.TryReplaceClockAsync(clock with { InitialNotifiedAt = now }, cancellationToken).ConfigureAwait(false))
            return null; // sent; the next look sees the clock as it is now and records it (same id: no second message)
        await alarms.RemoveAsync(alarm, cancellationToken).ConfigureAwait(false);
        return SaeAlarmResult.Sent;
    }

    private async Task<SaeAlarmResult?> EscalateAsync(SaeAlarm alarm, SaeClockRecord clock, ProtocolDefinition protocol, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (clock.Deadline != alarm.DueAt)
        {
            // The awareness was corrected: the alarm of the new deadline was written with that version.
            return await DiscardAsync(alarm, "the deadline moved", cancellationToken).ConfigureAwait(false);
        }
        if (now < clock.Deadline) return SaeAlarmResult.Kept;

        if (clock.Status == SaeClockStatus.Open)
        {
            if (!await adverseEvents.TryReplaceClockAsync(clock with { Status = SaeClockStatus.Escalated, EscalatedAt = now }, cancellationToken)
                    .ConfigureAwait(false))
                return null;
            clock = clock with { Status = SaeClockStatus.Escalated, EscalatedAt = now };
        }
        // Escalated and the alarm still here: claimed by this run, or by one that stopped before queueing the message.
        await SendAsync(SaeNotifications.Escalation(clock, protocol, now), cancellationToken).ConfigureAwait(false);
        logger.LogWarning(LogEvents.SaeReportEscalated, "SAE report overdue for {AdverseEventId}: escalated (deadline {Deadline})",
            clock.AdverseEventId, clock.Deadline);
        await alarms.RemoveAsync(alarm, cancellationToken).ConfigureAwait(false);
        return SaeAlarmResult.Sent;
    }

    private Task SendAsync(CoordinatorNotification notification, CancellationToken cancellationToken) =>
        queue.SendAsync(QueueNames.Notifications, notification, null, cancellationToken);

    private async Task<SaeAlarmResult> DiscardAsync(SaeAlarm alarm, string why, CancellationToken cancellationToken)
    {
        await alarms.RemoveAsync(alarm, cancellationToken).ConfigureAwait(false);
        logger.LogInformation(LogEvents.SaeAlarmDiscarded, "SAE {Kind} alarm of {AdverseEventId} discarded: {Why}",
            alarm.Kind, alarm.AdverseEventId, why);
        return SaeAlarmResult.Discarded;
    }
}

/// <summary>The timer's work: every due alarm, one at a time; one failing alarm does not hold up the others.</summary>
public sealed class ReleaseSaeAlarms(ISaeAlarmStore alarms, SaeAlarmHandler handler, TimeProvider time, ILogger<ReleaseSaeAlarms> logger)
{
    public async Task<IReadOnlyDictionary<SaeAlarmResult, int>> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var counts = Enum.GetValues<SaeAlarmResult>().ToDictionary(r => r, _ => 0);
        Exception? firstFailure = null;
        foreach (var alarm in await alarms.DueAsync(now, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                counts[await handler.HandleAsync(alarm, now, cancellationToken).ConfigureAwait(false)]++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                firstFailure ??= exception;
                logger.LogWarning(LogEvents.SaeNotificationDeferred, exception,
                    "SAE {Kind} alarm of {AdverseEventId} not handled; retried next run", alarm.Kind, alarm.AdverseEventId);
            }
        }
        logger.LogInformation(LogEvents.SaeAlarmsChecked, "SAE alarms: {Sent} sent, {Discarded} discarded, {Kept} kept",
            counts[SaeAlarmResult.Sent], counts[SaeAlarmResult.Discarded], counts[SaeAlarmResult.Kept]);
        if (firstFailure is not null && StorageFailures.IsUnavailable(firstFailure))
            throw firstFailure; // the host logs the failed run; the alarms stay for the next one
        return counts;
    }
}
