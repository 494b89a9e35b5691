using Microsoft.Extensions.Logging;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Diagnostics;
using RpsServerless.Functions.Messaging;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>What one rebuild changed; all zero when the message was a re-delivery.</summary>
public sealed record RebuildOutcome(int RemindersScheduled, int RemindersCancelled, bool VisitsChanged)
{
    public bool Changed => RemindersScheduled > 0 || RemindersCancelled > 0 || VisitsChanged;
}

/// <summary>The participant of a queue message does not exist: no retry can help; the message goes to poison.</summary>
public sealed class UnknownParticipantException(string participantId)
    : Exception($"There is no participant '{participantId}'.");

/// <summary>
/// Queue <c>participant-events</c>: builds the participant's schedule from the stored state and brings storage to it —
/// the visits (table <c>Visits</c> and the site's worklist index) and the reminders (table <c>Reminders</c>).
/// <para>
/// The reminders the schedule wanted at the last rebuild are held in the participant's partition, so the diff needs
/// one partition read, never a scan of <c>Reminders</c>. Order, so that a crash anywhere leaves nothing lost and
/// nothing duplicated:
/// (1) every reminder about to be added, changed or cancelled is marked unconfirmed in the held set (one versioned
/// write); (2) the rows of <c>Reminders</c> are written — insert-if-absent or reactivate for wanted ones, pending →
/// cancelled for the others, queued/sent rows left alone; (3) the worklist index; (4) the visits and the confirmed held
/// set (versioned). A rebuild that stopped half-way left unconfirmed entries, and the next rebuild reconciles each of
/// them against <c>Reminders</c> whatever the diff says. The version check makes two rebuilds of one participant
/// take turns: the later one starts again from a fresh read.
/// </para>
/// </summary>
public sealed class RebuildSchedule(
    ParticipantFiles files,
    IScheduleStore schedules,
    IReminderStore reminders,
    ISiteVisitIndex siteVisits,
    TimeProvider time,
    ILogger<RebuildSchedule> logger)
{
    private const int Attempts = 5;

    public async Task<RebuildOutcome> RunAsync(ParticipantEvent message, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginParticipant(message.ParticipantId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RebuildAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (ScheduleVersionConflictException) when (attempt < Attempts)
            {
                logger.LogInformation(LogEvents.ScheduleVersionConflict,
                    "Schedule of {ParticipantId} changed by another rebuild; rebuilding again (attempt {Attempt})", message.ParticipantId, attempt);
            }
        }
    }

    private async Task<RebuildOutcome> RebuildAsync(ParticipantEvent message, CancellationToken cancellationToken)
    {
        var participantId = message.ParticipantId;
        var file = await files.LoadAsync(participantId, cancellationToken).ConfigureAwait(false)
                   ?? throw new UnknownParticipantException(participantId);
        var now = time.GetUtcNow();
        var schedule = ScheduleBuilder.Build(file.Protocol, file.Timeline, file.Today(now));
        var held = file.Schedule.Reminders;

        var changes = ReminderDiff.Between(held.Select(h => h.Reminder).ToList(), schedule.Reminders);
        var wanted = schedule.Reminders.ToDictionary(r => r.ReminderId, StringComparer.Ordinal);
        var toEnsure = changes.ToAdd.Concat(changes.ToUpdate).ToDictionary(r => r.ReminderId, StringComparer.Ordinal);
        foreach (var uncertain in held.Where(h => !h.Confirmed))
            if (wanted.TryGetValue(uncertain.Reminder.ReminderId, out var reminder))
                toEnsure.TryAdd(reminder.ReminderId, reminder);
        var toCancel = changes.ToCancel;
        var visitsChanged = !file.Schedule.Visits.SequenceEqual(schedule.Visits);

        if (toEnsure.Count == 0 && toCancel.Count == 0 && !visitsChanged)
        {
            logger.LogInformation(LogEvents.ScheduleUnchanged, "Schedule of {ParticipantId} unchanged ({Reason})", participantId, message.Reason);
            return new RebuildOutcome(0, 0, false);
        }

        // (1) Intent: whatever is about to change is unconfirmed until (4).
        var confirmedToCancel = held.Where(h => h.Confirmed && toCancel.Any(c => c.ReminderId == h.Reminder.ReminderId));
        var intents = toEnsure.Values.Select(r => new HeldReminder(r, false))
            .Concat(confirmedToCancel.Select(h => h with { Confirmed = false }))
            .ToList();
        var intended = await schedules.WriteAsync(participantId, file.Schedule, new ScheduleWrite(intents, [], null), cancellationToken)
            .ConfigureAwait(false);

        // (2) The reminders themselves.
        DateOnly? earliestPending = null;
        var scheduled = 0;
        var outcomes = await reminders.EnsureAllAsync(toEnsure.Values, now, cancellationToken).ConfigureAwait(false);
        foreach (var reminder in toEnsure.Values.OrderBy(r => r.DueAt))
        {
            var ensured = outcomes[reminder.ReminderId];
            if (ensured is ReminderEnsured.Added or ReminderEnsured.Reactivated or ReminderEnsured.Updated)
            {
                scheduled++;
                var bucket = ReminderBuckets.Of(reminder.DueAt);
                if (earliestPending is null || bucket < earliestPending) earliestPending = bucket;
                logger.LogInformation(LogEvents.ReminderScheduled, "Reminder {ReminderId} {Outcome}, due {DueAt:o}",
                    reminder.ReminderId, ensured, reminder.DueAt);
            }
        }
        if (earliestPending is { } earliest)
            await reminders.KeepReleasableAsync(earliest, now, cancellationToken).ConfigureAwait(false);

        var cancelled = 0;
        foreach (var reminder in toCancel)
        {
            var outcome = await reminders.CancelAsync(reminder, now, cancellationToken).ConfigureAwait(false);
            if (outcome == ReminderCancelled.Cancelled) cancelled++;
            logger.LogInformation(LogEvents.ReminderCancelled, "Reminder {ReminderId} no longer wanted: {Outcome}", reminder.ReminderId, outcome);
        }

        // (3) The worklist index, before the visits that say what it holds.
        if (visitsChanged)
            await siteVisits.ReplaceAsync(file.Participant.SiteId, participantId, schedule.Visits, cancellationToken).ConfigureAwait(false);

        // (4) Visits and the held set, confirmed.
        var confirm = new ScheduleWrite(
            toEnsure.Values.Select(r => new HeldReminder(r, true)).ToList(),
            toCancel.Select(r => r.ReminderId).ToList(),
            visitsChanged ? schedule.Visits : null);
        await schedules.WriteAsync(participantId, intended, confirm, cancellationToken).ConfigureAwait(false);

        logger.LogInformation(LogEvents.ScheduleRebuilt,
            "Schedule of {ParticipantId} rebuilt ({Reason}): {Scheduled} reminders scheduled, {Cancelled} cancelled, visits changed: {VisitsChanged}",
            participantId, message.Reason, scheduled, cancelled, visitsChanged);
        return new RebuildOutcome(scheduled, cancelled, visitsChanged);
    }
}
