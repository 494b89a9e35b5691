using RpsServerless.Core.Protocol;

namespace RpsServerless.Functions.Storage.Participants;

/// <summary>
/// A participant as stored at allocation (a row of the allocation partition, <see cref="ParticipantRows"/>, written by
/// the allocation's own transaction): the allocation facts, written once and never edited. What happens later
/// (visits, status events, outcomes) lives in records of its own, so this row stays the frozen "as allocated" view an
/// auditor compares against.
/// </summary>
/// <param name="AllocatedOn">The site-local calendar date of <paramref name="AllocatedAt"/>: the schedule's anchor.</param>
public sealed record ParticipantRecord(
    string ParticipantId,
    string SiteId,
    string ScreeningId,
    string Arm,
    string Stratum,
    AllocationMethod Method,
    int AllocationNumber,
    DateTimeOffset AllocatedAt,
    DateOnly AllocatedOn,
    string ProtocolVersion);

/// <summary>One page of a listing and the token that fetches the next (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>Reads participants. Written by the allocation workflow; read by every other workflow.</summary>
public interface IParticipantDirectory
{
    /// <summary>The participant, or null when no participant has that id (a malformed id is simply not found).</summary>
    Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken);

    /// <summary>The site's participants in allocation order, a page at a time (no table scan: one partition).</summary>
    Task<Page<ParticipantRecord>> ListBySiteAsync(string siteId, string? continuationToken, int pageSize,
        CancellationToken cancellationToken);
}
