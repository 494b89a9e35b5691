namespace RpsServerless.Core.Audit;

/// <summary>
/// What happened, as the application reports it: who (actor and role), what (action on an entity), the entity's
/// state before and after as SHA-256 hashes of its canonical JSON (<see cref="CanonicalJson"/>), why (reason), and
/// under which request and protocol version. The chain position and the hashes are added by <see cref="AuditChain"/>.
/// </summary>
/// <param name="ActorId">The caller's subject (<c>oid</c>/<c>sub</c> of the token), or <c>system:&lt;name&gt;</c> for a trigger.</param>
/// <param name="ActorRole">The caller's app roles, space-separated in ordinal order, or <c>system</c>.</param>
/// <param name="Action">Dotted verb, e.g. <c>screening.created</c>, <c>allocation.created</c>, <c>notification.delivered</c>.</param>
/// <param name="BeforeHash">SHA-256 (lowercase hex) of the entity's canonical JSON before the change; null for a creation or a read.</param>
/// <param name="AfterHash">SHA-256 (lowercase hex) of the entity's canonical JSON after the change; null for a read.</param>
public sealed record AuditEntry(
    DateTimeOffset RecordedAt,
    string ActorId,
    string ActorRole,
    string Action,
    string EntityType,
    string EntityId,
    string? SiteId = null,
    string? BeforeHash = null,
    string? AfterHash = null,
    string? Reason = null,
    string? RequestId = null,
    string? ProtocolVersion = null)
{
    public const int MaxIdLength = 200;
    public const int MaxReasonLength = 2000;

    /// <summary>The problems that stop this entry from being recorded (empty when it can be).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (RecordedAt.Offset != TimeSpan.Zero) problems.Add("recordedAt must be UTC.");
        Required(nameof(ActorId), ActorId);
        Required(nameof(ActorRole), ActorRole);
        Required(nameof(Action), Action);
        Required(nameof(EntityType), EntityType);
        Required(nameof(EntityId), EntityId);
        Optional(nameof(SiteId), SiteId, MaxIdLength);
        Hash(nameof(BeforeHash), BeforeHash);
        Hash(nameof(AfterHash), AfterHash);
        Optional(nameof(Reason), Reason, MaxReasonLength);
        Optional(nameof(RequestId), RequestId, MaxIdLength);
        Optional(nameof(ProtocolVersion), ProtocolVersion, MaxIdLength);
        return problems;

        void Required(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{name} is required.");
            else Optional(name, value, MaxIdLength);
        }

        void Optional(string name, string? value, int max)
        {
            if (value is null) return;
            if (value.Length > max) problems.Add($"{name} is longer than {max} characters.");
            if (!CanonicalJson.IsWellFormed(value)) problems.Add($"{name} is not well-formed Unicode.");
        }

        void Hash(string name, string? value)
        {
            if (value is not null && !AuditChain.IsHash(value)) problems.Add($"{name} must be 64 lowercase hex digits.");
        }
    }
}

/// <summary>
/// One record of the audit trail: an <see cref="AuditEntry"/> at its place in the chain. <see cref="Hash"/> is the
/// SHA-256 of the record's canonical bytes (<see cref="AuditChain.CanonicalBytes"/>), which include
/// <see cref="PreviousHash"/>, so editing, deleting, inserting or reordering any record breaks the chain.
/// </summary>
/// <param name="Sequence">1, 2, 3 … without gaps, trial-wide.</param>
/// <param name="PreviousHash">The previous record's <see cref="Hash"/>; <see cref="AuditChain.GenesisHash"/> for record 1.</param>
public sealed record AuditRecord(
    long Sequence,
    DateTimeOffset RecordedAt,
    string ActorId,
    string ActorRole,
    string Action,
    string EntityType,
    string EntityId,
    string? SiteId,
    string? BeforeHash,
    string? AfterHash,
    string? Reason,
    string? RequestId,
    string? ProtocolVersion,
    string PreviousHash,
    string Hash);

/// <summary>The end of the chain: the last record's sequence and hash (sequence 0 and the genesis hash when empty).</summary>
public sealed record AuditHead(long Sequence, string Hash)
{
    public static AuditHead Empty { get; } = new(0, AuditChain.GenesisHash);
}
