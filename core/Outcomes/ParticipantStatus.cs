using System.Globalization;

namespace RpsServerless.Core.Outcomes;

/// <summary>One fact about a participant's status (api.md <c>POST …/status</c>).</summary>
public abstract record ParticipantStatusEvent
{
    public abstract ParticipantStatusKind Kind { get; }

    /// <summary>The calendar date the event is about; null for an allocation error, which is about the allocation itself.</summary>
    public abstract DateOnly? Date { get; }
}

/// <summary>The participant was known to be alive on <see cref="On"/> (a phone call, a registry check).</summary>
public sealed record AliveOn(DateOnly On) : ParticipantStatusEvent
{
    public override ParticipantStatusKind Kind => ParticipantStatusKind.Alive;
    public override DateOnly? Date => On;
}

public sealed record Died(DateOnly On, DeathCause Cause) : ParticipantStatusEvent
{
    public override ParticipantStatusKind Kind => ParticipantStatusKind.Died;
    public override DateOnly? Date => On;
}

public sealed record Withdrawn(DateOnly On, WithdrawalReason Reason) : ParticipantStatusEvent
{
    public override ParticipantStatusKind Kind => ParticipantStatusKind.Withdrawn;
    public override DateOnly? Date => On;
}

/// <summary>No longer reachable; <see cref="LastKnownAliveOn"/> is the last date anyone knew the participant alive.</summary>
public sealed record LostToFollowUp(DateOnly LastKnownAliveOn) : ParticipantStatusEvent
{
    public override ParticipantStatusKind Kind => ParticipantStatusKind.LostToFollowUp;
    public override DateOnly? Date => LastKnownAliveOn;
}

/// <summary>
/// The allocation should not have happened (protocol.md §4). The participant stays in the data and in the ITT analysis,
/// flagged; nothing is re-allocated or deleted.
/// </summary>
public sealed record AllocatedInError(AllocationErrorReason Reason) : ParticipantStatusEvent
{
    public override ParticipantStatusKind Kind => ParticipantStatusKind.AllocatedInError;
    public override DateOnly? Date => null;
}

/// <summary>The request body: a new event, or one correcting an earlier record (by sequence number) with a reason.</summary>
public sealed record ParticipantStatusReport(ParticipantStatusEvent Event, int? CorrectsRecord = null, string? CorrectionReason = null);

/// <summary>One stored status record, numbered from 1 per participant; append-only.</summary>
public sealed record ParticipantStatusRecord(
    int Sequence,
    ParticipantStatusEvent Event,
    DateTimeOffset RecordedAt,
    int? CorrectsRecord = null,
    string? CorrectionReason = null);

/// <summary>What a new status event is checked against.</summary>
/// <param name="Today">The site's local date now: no event may be dated after it.</param>
/// <param name="LatestClinicalContact">The latest date of any other record that needs the participant alive (a completed visit, an imaging assessment, surgery); a death cannot precede it.</param>
public sealed record ParticipantState(
    DateOnly AllocationDate,
    DateOnly Today,
    IReadOnlyList<ParticipantStatusRecord> Records,
    DateOnly? LatestClinicalContact = null);

/// <summary>
/// Why a status report cannot be recorded: <see cref="Errors"/> are bad values (HTTP 400), <see cref="Conflicts"/>
/// contradict what is already recorded (HTTP 409). Both carry the field path of the body.
/// </summary>
public sealed record StatusCheck(IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Conflicts)
{
    public bool IsAccepted => Errors.Count == 0 && Conflicts.Count == 0;
}

/// <summary>The status history of one participant: what is in force after corrections, and the checks of a new event.</summary>
public static class ParticipantStatusHistory
{
    /// <summary>
    /// The records in force: every record not corrected by a later one, in sequence order. A correction takes the
    /// place of the record it corrects; the corrected record stays stored for the audit trail but no longer counts.
    /// </summary>
    public static IReadOnlyList<ParticipantStatusRecord> InForce(IReadOnlyList<ParticipantStatusRecord> records)
    {
        var corrected = new HashSet<int>();
        foreach (var record in records)
            if (record.CorrectsRecord is { } target) corrected.Add(target);
        return records.Where(r => !corrected.Contains(r.Sequence)).OrderBy(r => r.Sequence).ToArray();
    }

    /// <summary>The death in force, if any.</summary>
    public static Died? Death(IReadOnlyList<ParticipantStatusRecord> records) =>
        InForce(records).Select(r => r.Event).OfType<Died>().FirstOrDefault();

    public static Withdrawn? Withdrawal(IReadOnlyList<ParticipantStatusRecord> records) =>
        InForce(records).Select(r => r.Event).OfType<Withdrawn>().FirstOrDefault();

    public static bool IsAllocatedInError(IReadOnlyList<ParticipantStatusRecord> records) =>
        InForce(records).Any(r => r.Event is AllocatedInError);

    /// <summary>Checks a new status report against the participant's recorded state.</summary>
    public static StatusCheck Check(ParticipantStatusReport report, ParticipantState state)
    {
        var errors = new List<FieldError>();
        var conflicts = new List<FieldError>();
        var datePath = report.Event is LostToFollowUp ? "lastKnownAliveOn" : "date";

        // The state the new event lands in: a correction replaces the record it corrects, so it is judged as if that
        // record were absent (correcting a death date must not conflict with the death it corrects).
        var inForce = InForce(state.Records);
        if (report.CorrectsRecord is { } target)
        {
            if (string.IsNullOrWhiteSpace(report.CorrectionReason))
                errors.Add(new FieldError("correctionReason", "Required for a correction: say why the earlier record was wrong."));
            var corrected = state.Records.FirstOrDefault(r => r.Sequence == target);
            if (corrected is null)
                conflicts.Add(new FieldError("correctsRecord", $"There is no status record {target} to correct."));
            else if (inForce.All(r => r.Sequence != target))
            {
                var by = state.Records.Last(r => r.CorrectsRecord == target).Sequence;
                conflicts.Add(new FieldError("correctsRecord", $"Record {target} was already corrected by record {by}: correct record {by} instead."));
            }
            inForce = inForce.Where(r => r.Sequence != target).ToArray();
        }
        else if (report.CorrectionReason is not null)
        {
            errors.Add(new FieldError("correctionReason", "Only a correction (correctsRecord) carries a correction reason."));
        }

        if (report.Event.Date is { } date)
        {
            if (date < state.AllocationDate)
                errors.Add(new FieldError(datePath, $"{Iso(date)} is before the allocation date {Iso(state.AllocationDate)}."));
            if (date > state.Today)
                errors.Add(new FieldError(datePath, $"{Iso(date)} is in the future (today is {Iso(state.Today)})."));
        }

        var death = inForce.Select(r => r.Event).OfType<Died>().FirstOrDefault();
        switch (report.Event)
        {
            case Died died:
                if (death is not null)
                    conflicts.Add(new FieldError("status", $"A death on {Iso(death.On)} is already recorded: correct that record instead of adding a second death."));
                // Anything that needs the participant alive after the death date contradicts it.
                var latestAlive = LatestKnownAlive(inForce);
                if (latestAlive is { } alive && alive > died.On)
                    conflicts.Add(new FieldError("date", $"The participant is recorded alive on {Iso(alive)}, after this death date {Iso(died.On)}."));
                if (state.LatestClinicalContact is { } contact && contact > died.On)
                    conflicts.Add(new FieldError("date", $"A visit or assessment is recorded on {Iso(contact)}, after this death date {Iso(died.On)}."));
                break;
            case AliveOn or LostToFollowUp or Withdrawn when death is not null && report.Event.Date > death.On:
                conflicts.Add(new FieldError(datePath, $"{Iso(report.Event.Date!.Value)} is after the recorded death on {Iso(death.On)}."));
                break;
            case Withdrawn when inForce.Any(r => r.Event is Withdrawn):
                conflicts.Add(new FieldError("status", "The participant is already withdrawn: correct that record instead of adding a second withdrawal."));
                break;
            case AllocatedInError when inForce.Any(r => r.Event is AllocatedInError):
                conflicts.Add(new FieldError("status", "The allocation is already recorded as in error."));
                break;
        }
        // A vital status may still be recorded after withdrawal: survival status from registries is what the OS
        // analysis needs, and withdrawing from treatment or visits does not forbid it in NATARS-1.0.
        return new StatusCheck(errors, conflicts);
    }

    /// <summary>The latest date a status record says the participant was alive (alive, lost to follow-up, withdrawal).</summary>
    public static DateOnly? LatestKnownAlive(IEnumerable<ParticipantStatusRecord> inForce)
    {
        DateOnly? latest = null;
        foreach (var record in inForce)
        {
            DateOnly? alive = record.Event switch
            {
                AliveOn a => a.On,
                LostToFollowUp l => l.LastKnownAliveOn,
                // Withdrawing is something a living participant (or the investigator, seeing them) does on that date.
                Withdrawn w => w.On,
                _ => null,
            };
            if (alive is { } d && (latest is null || d > latest)) latest = d;
        }
        return latest;
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
