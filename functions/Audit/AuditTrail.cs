using System.Text.Json;
using RpsServerless.Core.Audit;
using RpsServerless.Functions.Http;

namespace RpsServerless.Functions.Audit;

/// <summary>Who acted: the caller of a request (<see cref="Security.CallerContext.Actor"/>) or a trigger of the app.</summary>
/// <param name="Role">The caller's app roles (space-separated), or <c>system</c>.</param>
public sealed record AuditActor(string Id, string Role, string? RequestId)
{
    /// <summary>A queue or timer trigger acting on its own (a notification delivered, a reminder released).</summary>
    public static AuditActor System(string triggerName, string? requestId = null) => new("system:" + triggerName, "system", requestId);
}

/// <summary>
/// What changed: an action on one entity, its state before and after (any JSON-serialisable value; only the SHA-256
/// of its canonical JSON is recorded, never the value), and why.
/// </summary>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
public sealed record AuditChange(string Action, string EntityType, string EntityId)
{
    public string? SiteId { get; init; }
    public object? Before { get; init; }
    public object? After { get; init; }

    /// <summary>Required for corrections (21 CFR 11.10(e), ICH E6(R3) §4.2.2: "the reason for the change").</summary>
    public string? Reason { get; init; }

    public string? ProtocolVersion { get; init; }

    /// <summary>
    /// A deterministic key of the event (e.g. <c>allocation.created:scr_…</c>). A retried workflow that records the
    /// same key again gets the record already written instead of a second one. Null: always a new record.
    /// </summary>
    public string? EventKey { get; init; }
}

/// <summary>The action names of the audit trail.</summary>
public static class AuditActions
{
    public const string ScreeningCreated = "screening.created";
    public const string EligibilitySignedOff = "screening.eligibility_signed_off";
    public const string AllocationCreated = "allocation.created";
    public const string ParticipantCreated = "participant.created";
    public const string VisitRecorded = "visit.recorded";
    public const string AssessmentRecorded = "assessment.recorded";
    public const string AdverseEventRecorded = "adverse_event.recorded";
    public const string PathologyRecorded = "pathology.recorded";
    public const string StatusRecorded = "status.recorded";
    public const string DataCorrected = "data.corrected";
    public const string AdverseEventUpdated = "adverse_event.updated";
    public const string SponsorReportSent = "adverse_event.sponsor_report_sent";
    public const string ExclusionRecorded = "participant.exclusion_recorded";
    public const string NotificationDelivered = "notification.delivered";
    public const string ExportDownloaded = "export.downloaded";
    public const string AuditExported = "audit.exported";
}

/// <summary>A page of audit records in sequence order; <see cref="ContinuationToken"/> fetches the next (null on the last).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? ContinuationToken);

/// <summary>Which records to list: all, or those of one entity type (and id); after a sequence number.</summary>
public sealed record AuditQuery(string? EntityType, string? EntityId, long AfterSequence, int PageSize);

/// <summary>
/// The append-only audit trail. Workflows call <see cref="RecordAsync"/> once per create, change, allocation,
/// notification delivery and export; nothing in the application updates or deletes a record.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends a record at the end of the chain (concurrency-safe) and returns it.</summary>
    Task<AuditRecord> RecordAsync(AuditActor actor, AuditChange change, CancellationToken cancellationToken);

    Task<AuditPage> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<AuditHead> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>Records 1 to <paramref name="upToSequence"/> in sequence order, as stored (altered rows included as they are).</summary>
    IAsyncEnumerable<AuditRecord> ReadChainAsync(long upToSequence, CancellationToken cancellationToken);
}

/// <summary>Before/after hashes: SHA-256 of the canonical JSON (<see cref="CanonicalJson"/>) of the state as the API serialises it.</summary>
public static class AuditStates
{
    public static string? Hash(object? state)
    {
        if (state is null) return null;
        var element = state as JsonElement? ?? JsonSerializer.SerializeToElement(state, state.GetType(), ApiJson.Options);
        return CanonicalJson.Sha256(element);
    }
}
