using RpsServerless.Core.Protocol;
using RpsServerless.Functions.Http;
using RpsServerless.Functions.Security;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Workflows;

/// <summary><c>GET /api/screenings/{id}</c> and the site's screening log.</summary>
public sealed class ReadScreenings(IScreeningStore screenings, IAllocationStore allocations, ProtocolDefinition protocol)
{
    /// <summary>The screening with its participant id: from the screening row, or — until the allocation's follow-up
    /// has linked it — from the allocation record, which is the commit point.</summary>
    public async Task<ScreeningRecord?> FindAsync(string screeningId, CancellationToken cancellationToken)
    {
        var screening = await screenings.FindAsync(screeningId, cancellationToken).ConfigureAwait(false);
        if (screening is null || screening.ParticipantId is not null)
            return screening;
        var allocation = await allocations.FindAsync(screeningId, cancellationToken).ConfigureAwait(false);
        return allocation is null ? screening : screening with { ParticipantId = allocation.ParticipantId };
    }

    /// <summary>
    /// <c>GET /api/screenings/{id}</c>: the screening if it exists and the caller may read its site. An unknown id and
    /// another site's id get the same 404, so a caller cannot learn that another site's screening exists.
    /// </summary>
    public async Task<ApiResponse> GetAsync(CallerContext caller, string screeningId, CancellationToken cancellationToken)
    {
        var screening = await FindAsync(screeningId, cancellationToken).ConfigureAwait(false);
        if (screening is null) return AccessProblems.NotFound(caller.Http);
        if (caller.RequireSite(screening.SiteId) is { } denied) return denied;
        return ApiResponse.Ok(ScreeningResultBody.From(screening));
    }

    /// <summary>The page, or null when the site is not a site of the trial.</summary>
    public async Task<Page<ScreeningRecord>?> ListBySiteAsync(string siteId, ScreeningLogFilter filter, string? continuationToken,
        int pageSize, CancellationToken cancellationToken)
    {
        if (protocol.FindSite(siteId) is null)
            return null;
        return await screenings.ListBySiteAsync(siteId, filter, continuationToken, pageSize, cancellationToken).ConfigureAwait(false);
    }
}
