using RpsServerless.Core.Protocol;
using RpsServerless.Core.Scheduling;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Exports;

/// <summary>
/// A participant's visits and status events as the schedule needs them. Implemented over the schedule workflow's
/// tables (<c>Visits</c>, the status records); the exports and anything else that rebuilds a schedule read through it.
/// </summary>
public interface IParticipantTimelineSource
{
    Task<ParticipantTimeline> LoadAsync(ParticipantRecord participant, CancellationToken cancellationToken);
}

/// <summary>
/// Where one participant stands, as the FHIR export reports it: from the participant's schedule (built from the
/// recorded visits and status) and the exclusion in force. Null schedule: not known (no timeline could be read).
/// </summary>
public sealed record ParticipantProgress(
    string ParticipantId,
    bool TimelineKnown,
    bool InterventionStarted,
    bool SurgeryDone,
    bool ChemotherapyGiven,
    bool ExcludedAfterAllocation,
    DateOnly? DiedOn,
    DateOnly? WithdrewOn,
    DateOnly? StudyClosedOn)
{
    public static ParticipantProgress Unknown(string participantId, bool excludedAfterAllocation) =>
        new(participantId, false, false, false, false, excludedAfterAllocation, null, null, null);

    public static ParticipantProgress From(ParticipantTimeline timeline, ParticipantSchedule schedule, bool excludedAfterAllocation)
    {
        bool Done(VisitKind kind) => schedule.Visits.Any(v => v.Kind == kind && v.Status == VisitStatus.Completed);
        var chemo = Done(VisitKind.ChemoCycle);
        var surgery = Done(VisitKind.Surgery);
        return new ParticipantProgress(timeline.ParticipantId, true, chemo || surgery, surgery, chemo, excludedAfterAllocation,
            timeline.DiedOn, timeline.WithdrewOn, timeline.StudyClosedOn);
    }
}

/// <summary>Every participant of every site of the protocol, through <see cref="IParticipantDirectory"/>, a page at a time.</summary>
public static class ParticipantListing
{
    public const int PageSize = 200;

    public static async Task<IReadOnlyList<ParticipantRecord>> AllAsync(IParticipantDirectory directory, ProtocolDefinition protocol,
        CancellationToken cancellationToken)
    {
        var all = new List<ParticipantRecord>();
        foreach (var site in protocol.Sites)
            all.AddRange(await BySiteAsync(directory, site.Id, cancellationToken).ConfigureAwait(false));
        return all;
    }

    public static async Task<IReadOnlyList<ParticipantRecord>> BySiteAsync(IParticipantDirectory directory, string siteId,
        CancellationToken cancellationToken)
    {
        var participants = new List<ParticipantRecord>();
        string? token = null;
        do
        {
            var page = await directory.ListBySiteAsync(siteId, token, PageSize, cancellationToken).ConfigureAwait(false);
            participants.AddRange(page.Items);
            token = page.ContinuationToken;
        } while (token is not null);
        return participants;
    }
}
