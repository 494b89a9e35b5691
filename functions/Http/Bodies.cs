using System.Text.Json;
using RpsServerless.Core.Allocation;
using RpsServerless.Core.Protocol;
using RpsServerless.Core.Screening;
using RpsServerless.Functions.Storage.Allocations;
using RpsServerless.Functions.Storage.Participants;
using RpsServerless.Functions.Storage.Screenings;

namespace RpsServerless.Functions.Http;

/// <summary>The api.md screening result (201 body of <c>POST /api/screenings</c>, and <c>GET /api/screenings/{id}</c>).</summary>
public sealed record ScreeningResultBody(
    string ScreeningId,
    string SiteId,
    string? ScreeningNumber,
    string ProtocolVersion,
    EligibilityOutcome Outcome,
    IReadOnlyList<CriterionResult> Criteria,
    IReadOnlyList<EligibilityWarning> Warnings,
    DerivedValues Derived,
    DateTimeOffset SubmittedAt,
    JsonElement Submission,
    string? ParticipantId)
{
    public static ScreeningResultBody From(ScreeningRecord screening)
    {
        using var submission = JsonDocument.Parse(screening.SubmissionJson);
        var evaluation = screening.Evaluation;
        return new ScreeningResultBody(
            screening.ScreeningId, screening.SiteId, screening.ScreeningNumber, screening.ProtocolVersion, evaluation.Outcome,
            evaluation.Criteria, evaluation.Warnings, evaluation.Derived, screening.SubmittedAt, submission.RootElement.Clone(),
            screening.ParticipantId);
    }
}

/// <summary>One line of a site's screening log: what a coordinator scans for; the full result is one GET away.</summary>
/// <param name="BlockingCriteria">Ids of the criteria failed or missing (empty when eligible).</param>
public sealed record ScreeningLogEntry(
    string ScreeningId,
    string? ScreeningNumber,
    DateOnly ScreenedOn,
    EligibilityOutcome Outcome,
    string? Stratum,
    IReadOnlyList<string> BlockingCriteria,
    DateTimeOffset SubmittedAt,
    string ProtocolVersion,
    string? ParticipantId)
{
    public static ScreeningLogEntry From(ScreeningRecord screening) => new(
        screening.ScreeningId, screening.ScreeningNumber, screening.ScreenedOn, screening.Outcome,
        screening.Evaluation.Derived.Stratum, screening.Evaluation.Blocking.Select(c => c.Id).ToArray(), screening.SubmittedAt,
        screening.ProtocolVersion, screening.ParticipantId);
}

/// <summary>
/// The allocation as api.md shows it to sites: exactly the <see cref="SiteAllocation"/> fields and the participant id.
/// Built from the record's site-visible part only, so the concealed audit detail cannot reach a response.
/// </summary>
public sealed record AllocationBody(
    string ParticipantId,
    string ScreeningId,
    string SiteId,
    string Arm,
    AllocationMethod Method,
    string Stratum,
    int AllocationNumber,
    DateTimeOffset AllocatedAt,
    string ProtocolVersion)
{
    public static AllocationBody From(StoredAllocation allocation)
    {
        SiteAllocation site = allocation.Allocation;
        return new AllocationBody(allocation.ParticipantId, site.ScreeningId, site.SiteId, site.Arm, site.Method, site.Stratum,
            site.AllocationNumber, site.AllocatedAt, site.ProtocolVersion);
    }
}

/// <summary>The request body of an allocation under the <c>assigned</c> method (empty otherwise).</summary>
public sealed record AllocationRequestBody(string? Arm, string? Basis, string? Note);

/// <summary>
/// A participant (<c>GET /api/participants/{id}</c>): arm, status, and the anchors of the schedule — allocation date
/// at the site, site, stratum, allocation number.
/// </summary>
/// <param name="Status">Where the participant stands. Status events (withdrawal, death, …) are recorded by
/// <c>POST …/status</c>; until one exists the participant is <c>allocated</c>.</param>
public sealed record ParticipantBody(
    string ParticipantId,
    string SiteId,
    string ScreeningId,
    string Arm,
    AllocationMethod Method,
    string Stratum,
    int AllocationNumber,
    DateTimeOffset AllocatedAt,
    DateOnly AllocatedOn,
    string ProtocolVersion,
    string Status)
{
    public const string Allocated = "allocated";

    public static ParticipantBody From(ParticipantRecord participant) => new(
        participant.ParticipantId, participant.SiteId, participant.ScreeningId, participant.Arm, participant.Method,
        participant.Stratum, participant.AllocationNumber, participant.AllocatedAt, participant.AllocatedOn,
        participant.ProtocolVersion, Allocated);
}

/// <summary>A page of a listing: the items and the token for the next page (null on the last).</summary>
public sealed record PageBody<T>(IReadOnlyList<T> Items, string? ContinuationToken);
