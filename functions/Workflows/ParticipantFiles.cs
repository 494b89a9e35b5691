using RpsServerless.Core.Outcomes;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Scheduling;

namespace RpsServerless.Functions.Workflows;

/// <summary>Everything stored about one participant that the schedule depends on.</summary>
public sealed record ParticipantFile(
    ParticipantRecord Participant,
    ProtocolDefinition Protocol,
    ParticipantScheduleState Schedule,
    IReadOnlyList<ParticipantStatusRecord> Statuses)
{
    /// <summary>The participant's state as the schedule builder reads it: allocation, recorded visits, death and withdrawal in force.</summary>
    public ParticipantTimeline Timeline => new(
        Participant.ParticipantId,
        Participant.SiteId,
        Participant.Arm,
        Participant.AllocatedOn,
        Schedule.RecordedVisits,
        ParticipantStatusHistory.Death(Statuses)?.On,
        ParticipantStatusHistory.Withdrawal(Statuses)?.On);

    /// <summary>The site-local date at <paramref name="now"/>: what visit windows and recorded dates are judged against.</summary>
    public DateOnly Today(DateTimeOffset now) => SiteClock.Today(Protocol, Participant.SiteId, now);

    /// <summary>The latest date a completed visit shows the participant alive.</summary>
    public DateOnly? LatestCompletedVisit
    {
        get
        {
            DateOnly? latest = null;
            foreach (var record in Schedule.Records)
                if (record.Visit is { Status: RecordedVisitStatus.Completed, Date: { } on } && (latest is null || on > latest))
                    latest = on;
            return latest;
        }
    }
}

/// <summary>Loads a participant's file: the participant row (through <see cref="IParticipantDirectory"/>) beside the
/// participant's visit and status records (one partition read): two requests, side by side.</summary>
public sealed class ParticipantFiles(IParticipantDirectory directory, IParticipantHistoryReader history)
{
    /// <summary>The participant's file, or null when no participant has that id.</summary>
    public async Task<ParticipantFile?> LoadAsync(string participantId, CancellationToken cancellationToken)
    {
        var participant = directory.FindAsync(participantId, cancellationToken);
        var stored = history.LoadAsync(participantId, cancellationToken);
        await Task.WhenAll(participant, stored).ConfigureAwait(false);
        if (await participant.ConfigureAwait(false) is not { } found) return null;
        var (schedule, statuses) = await stored.ConfigureAwait(false);
        return new ParticipantFile(found, ProtocolCatalog.Get(found.ProtocolVersion), schedule, statuses);
    }
}

/// <summary>
/// The exports' view of a participant's timeline (<see cref="RpsServerless.Functions.Exports.IParticipantTimelineSource"/>), read from the
/// same visit and status records the schedule is built from, so the calendar and FHIR feeds never disagree with it.
/// </summary>
public sealed class StoredParticipantTimelines(IParticipantHistoryReader history)
    : RpsServerless.Functions.Exports.IParticipantTimelineSource
{
    public async Task<ParticipantTimeline> LoadAsync(ParticipantRecord participant, CancellationToken cancellationToken)
    {
        var (schedule, statuses) = await history.LoadAsync(participant.ParticipantId, cancellationToken).ConfigureAwait(false);
        return new ParticipantFile(participant, ProtocolCatalog.Get(participant.ProtocolVersion), schedule, statuses).Timeline;
    }
}
