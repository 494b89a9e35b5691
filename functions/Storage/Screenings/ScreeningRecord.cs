using RpsServerless.Core.Screening;
using RpsServerless.Functions.Storage.Participants;

namespace RpsServerless.Functions.Storage.Screenings;

/// <summary>
/// A screening as stored: the submission exactly as received, its evaluation under <see cref="ProtocolVersion"/>,
/// and the columns the site log filters on. Written once at submission; only <see cref="ParticipantId"/> is filled in
/// later, after the screening was allocated.
/// </summary>
/// <param name="SubmissionJson">The request body as received (UTF-8 JSON).</param>
/// <param name="Evaluation">The evaluation (outcome, criteria, warnings, derived values).</param>
public sealed record ScreeningRecord(
    string ScreeningId,
    string SiteId,
    string? ScreeningNumber,
    DateOnly ScreenedOn,
    string ProtocolVersion,
    DateTimeOffset SubmittedAt,
    ReadOnlyMemory<byte> SubmissionJson,
    StoredEvaluation Evaluation,
    string? ParticipantId)
{
    public EligibilityOutcome Outcome => Evaluation.Outcome;
}

/// <summary>
/// The evaluation fields of the api.md screening result, in their JSON order. <see cref="EligibilityResult"/> keeps its
/// protocol version out of this JSON; the record stores it beside, as the result's top-level <c>protocolVersion</c>.
/// </summary>
public sealed record StoredEvaluation(
    EligibilityOutcome Outcome,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<EligibilityWarning> Warnings,
    DerivedValues Derived)
{
    public static StoredEvaluation From(EligibilityResult result) =>
        new(result.Outcome, result.Criteria, result.Warnings, result.Derived);

    /// <summary>The criteria that stand in the way of allocation: failed or missing.</summary>
    public IEnumerable<CriterionResult> Blocking =>
        Criteria.Where(c => c.Status is CriterionStatus.Fail or CriterionStatus.Missing);
}

/// <summary>Which screenings of a site's log to list (all filters optional).</summary>
/// <param name="From">Screened on or after this site-local date.</param>
/// <param name="To">Screened on or before this site-local date.</param>
public sealed record ScreeningLogFilter(EligibilityOutcome? Outcome, DateOnly? From, DateOnly? To);

/// <summary>The screenings of table <c>Screenings</c>.</summary>
public interface IScreeningStore
{
    /// <summary>Inserts a new screening; its id is new, so an existing row is a bug, not a conflict.</summary>
    Task AddAsync(ScreeningRecord screening, CancellationToken cancellationToken);

    /// <summary>The screening, or null (a malformed id is simply not found).</summary>
    Task<ScreeningRecord?> FindAsync(string screeningId, CancellationToken cancellationToken);

    /// <summary>The site's log in submission order, a page at a time, within the site's partition.</summary>
    Task<Page<ScreeningRecord>> ListBySiteAsync(string siteId, ScreeningLogFilter filter, string? continuationToken,
        int pageSize, CancellationToken cancellationToken);

    /// <summary>Notes the participant the screening became. Idempotent: writing the same id again changes nothing.</summary>
    Task LinkParticipantAsync(string screeningId, string participantId, CancellationToken cancellationToken);

    /// <summary>Whether a continuation token of <see cref="ListBySiteAsync"/> is well formed.</summary>
    static bool IsValidContinuationToken(string token) => Paging.TryDecode(token, ScreeningIds.IsUlid, out _);
}
