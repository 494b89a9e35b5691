using RpsServerless.Core.Scheduling;

namespace RpsServerless.Functions.Storage.Scheduling;

/// <summary>A visit as the site recorded it, with its number in the participant's append-only record.</summary>
public sealed record StoredVisitRecord(int Sequence, RecordedVisit Visit, DateTimeOffset RecordedAt);

/// <summary>
/// A reminder the participant's schedule wants, as held in the participant's partition. <see cref="Confirmed"/> is
/// false while the row in table <c>Reminders</c> may not match it yet (written before that row, or on its way out):
/// the next rebuild then reconciles it explicitly instead of trusting the diff.
/// </summary>
public sealed record HeldReminder(Reminder Reminder, bool Confirmed);

/// <summary>Everything stored in a participant's partition of table <c>Visits</c>, read in one partition query.</summary>
/// <param name="Visits">The visits as last built (protocol order); empty before the first build.</param>
/// <param name="Reminders">The reminders the schedule wanted at the last build, in the order they were first held.</param>
/// <param name="Version">The version of the held reminder set and visits; null before the first build.</param>
public sealed record ParticipantScheduleState(
    IReadOnlyList<StoredVisitRecord> Records,
    IReadOnlyList<ScheduledVisit> Visits,
    IReadOnlyList<HeldReminder> Reminders,
    string? Version)
{
    public static ParticipantScheduleState Empty { get; } = new([], [], [], null);

    /// <summary>The recorded visits in the order they were recorded, as the schedule builder reads them.</summary>
    public IReadOnlyList<RecordedVisit> RecordedVisits => Records.OrderBy(r => r.Sequence).Select(r => r.Visit).ToList();

    public int NextSequence => Records.Count == 0 ? 1 : Records.Max(r => r.Sequence) + 1;

    /// <summary>
    /// The held visits and reminders after <paramref name="write"/>: held reminders replaced by id (a new one joins at
    /// the end), released ones dropped; the version is left for the store to set.
    /// </summary>
    public ParticipantScheduleState With(ScheduleWrite write)
    {
        var hold = write.Hold.ToDictionary(h => h.Reminder.ReminderId, StringComparer.Ordinal);
        var release = write.Release.ToHashSet(StringComparer.Ordinal);
        var reminders = new List<HeldReminder>(Reminders.Count + hold.Count);
        foreach (var held in Reminders)
        {
            var id = held.Reminder.ReminderId;
            if (release.Contains(id)) continue;
            reminders.Add(hold.Remove(id, out var replaced) ? replaced : held);
        }
        reminders.AddRange(write.Hold.Where(h => hold.ContainsKey(h.Reminder.ReminderId)));
        return this with { Visits = write.Visits ?? Visits, Reminders = reminders };
    }
}

/// <summary>One versioned change of a participant's schedule partition.</summary>
/// <param name="Hold">Reminders to hold (upserted with their confirmation flag).</param>
/// <param name="Release">Ids of held reminders to drop from the set.</param>
/// <param name="Visits">The visits as now built, or null to leave the stored ones.</param>
public sealed record ScheduleWrite(
    IReadOnlyList<HeldReminder> Hold,
    IReadOnlyList<string> Release,
    IReadOnlyList<ScheduledVisit>? Visits)
{
    public bool IsEmpty => Hold.Count == 0 && Release.Count == 0 && Visits is null;
}

/// <summary>Another rebuild changed the participant's schedule partition since it was read: read again and redo.</summary>
public sealed class ScheduleVersionConflictException(string participantId)
    : Exception($"The schedule of {participantId} changed while it was being rebuilt.");

/// <summary>
/// A participant's visit records (append-only), the schedule as last built and the reminder set it wants: table
/// <c>Visits</c>, PartitionKey = participant id. Read with the status records by <see cref="IParticipantHistoryReader"/>.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Adds record number <see cref="StoredVisitRecord.Sequence"/>; false when that number is already taken.</summary>
    Task<bool> TryAppendRecordAsync(string participantId, StoredVisitRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="write"/> to <paramref name="current"/> (<see cref="ParticipantScheduleState.With"/>) if the
    /// partition is still at its version (null: never built), and returns the state written with its new version.
    /// </summary>
    /// <exception cref="ScheduleVersionConflictException">The partition changed in between.</exception>
    Task<ParticipantScheduleState> WriteAsync(string participantId, ParticipantScheduleState current, ScheduleWrite write,
        CancellationToken cancellationToken);
}
