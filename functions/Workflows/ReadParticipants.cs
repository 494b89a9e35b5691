using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Workflows;

/// <summary><c>GET /api/participants/{id}</c> and the site's participants.</summary>
public sealed class ReadParticipants(IParticipantDirectory participants, ProtocolDefinition protocol)
{
    public Task<ParticipantRecord?> FindAsync(string participantId, CancellationToken cancellationToken) =>
        participants.FindAsync(participantId, cancellationToken);

    /// <summary>The page, or null when the site is not a site of the trial.</summary>
    public async Task<Page<ParticipantRecord>?> ListBySiteAsync(string siteId, string? continuationToken, int pageSize,
        CancellationToken cancellationToken)
    {
        if (protocol.FindSite(siteId) is null)
            return null;
        return await participants.ListBySiteAsync(siteId, continuationToken, pageSize, cancellationToken).ConfigureAwait(false);
    }
}
