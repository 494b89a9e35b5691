using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace RpsServerless.Core.Audit;

/// <summary>Why the chain is broken at a record.</summary>
public enum AuditBreakKind
{
    /// <summary>The record's content no longer matches its hash, or it was rewritten with a recomputed hash.</summary>
    Altered,

    /// <summary>One or more records are gone: a gap in the sequence, or records missing at the end.</summary>
    Missing,

    /// <summary>Records are out of sequence order.</summary>
    Reordered,

    /// <summary>A record that was not appended by the application: a duplicate sequence or one that is not linked in.</summary>
    Inserted,
}

/// <summary>The first place the chain breaks: the record (by sequence and by position in the list) and why.</summary>
/// <param name="Position">1-based position of the record in the list that was verified (its line among the records of an export).</param>
public sealed record AuditBreak(AuditBreakKind Kind, long Sequence, int Position, string Message);

/// <summary>The outcome of <see cref="AuditChain.Verify"/>: intact, or the first break.</summary>
public sealed record AuditVerification(int RecordCount, AuditBreak? Break)
{
    public bool IsIntact => Break is null;
}

/// <summary>
/// The hash chain of the audit trail. Each record's hash is SHA-256 over its canonical bytes, which contain the
/// previous record's hash; the first record names <see cref="GenesisHash"/>.
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Fields of a record, in canonical order (the order of <see cref="CanonicalBytes"/>); <c>hash</c> is not one of them.</summary>
    public static IReadOnlyList<string> FieldNames { get; } =
    [
        "sequence", "recordedAt", "actorId", "actorRole", "action", "entityType", "entityId", "siteId",
        "beforeHash", "afterHash", "reason", "requestId", "protocolVersion", "previousHash",
    ];

    /// <summary>The instant as it is hashed and exported: UTC, 7 fractional digits, <c>Z</c>.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The record that follows <paramref name="head"/>.</summary>
    /// <exception cref="ArgumentException">The entry has <see cref="AuditEntry.Problems"/>.</exception>
    public static AuditRecord Append(AuditHead head, AuditEntry entry)
    {
        var problems = entry.Problems();
        if (problems.Count > 0)
            throw new ArgumentException("Audit entry cannot be recorded: " + string.Join(" ", problems), nameof(entry));
        var record = new AuditRecord(head.Sequence + 1, entry.RecordedAt.ToUniversalTime(), entry.ActorId, entry.ActorRole,
            entry.Action, entry.EntityType, entry.EntityId, entry.SiteId, entry.BeforeHash, entry.AfterHash, entry.Reason,
            entry.RequestId, entry.ProtocolVersion, head.Hash, "");
        return record with { Hash = ComputeHash(record) };
    }

    /// <summary>
    /// The canonical bytes of a record: a JSON object with exactly the members of <see cref="FieldNames"/> in that
    /// order, written by the rules of <see cref="CanonicalJson"/>: <c>sequence</c> a decimal integer without sign or
    /// leading zeros; <c>recordedAt</c> by <see cref="FormatInstant"/>; absent optional values as <c>null</c>.
    /// For example <c>{"sequence":1,"recordedAt":"2026-11-29T08:00:00.0000000Z","actorId":"…",…,"previousHash":"000…0"}</c>.
    /// </summary>
    public static byte[] CanonicalBytes(AuditRecord record)
    {
        var output = new ArrayBufferWriter<byte>(512);
        CanonicalJson.Raw(output, "{\"sequence\":" + record.Sequence.ToString(CultureInfo.InvariantCulture));
        Member(output, "recordedAt", FormatInstant(record.RecordedAt));
        Member(output, "actorId", record.ActorId);
        Member(output, "actorRole", record.ActorRole);
        Member(output, "action", record.Action);
        Member(output, "entityType", record.EntityType);
        Member(output, "entityId", record.EntityId);
        Member(output, "siteId", record.SiteId);
        Member(output, "beforeHash", record.BeforeHash);
        Member(output, "afterHash", record.AfterHash);
        Member(output, "reason", record.Reason);
        Member(output, "requestId", record.RequestId);
        Member(output, "protocolVersion", record.ProtocolVersion);
        Member(output, "previousHash", record.PreviousHash);
        CanonicalJson.Raw(output, "}");
        return output.WrittenSpan.ToArray();
    }

    public static string ComputeHash(AuditRecord record) => Convert.ToHexStringLower(SHA256.HashData(CanonicalBytes(record)));

    public static bool IsHash(string value) =>
        value.Length == 64 && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// Checks the records in the order given (the order of the sequence numbers when intact) and, when
    /// <paramref name="head"/> is known, that nothing is missing or rewritten at the end. Returns the first break:
    /// <list type="bullet">
    /// <item><b>Altered</b>: a record's content does not match its hash; or a record was rewritten with a recomputed
    /// hash, seen because the next record (or the head) still names its original hash;</item>
    /// <item><b>Missing</b>: a gap in the sequence (deleted records), or the head is further than the last record;</item>
    /// <item><b>Reordered</b>: a sequence number smaller than its predecessor's, or one that appears later than expected;</item>
    /// <item><b>Inserted</b>: a duplicate sequence number, a record its successor skips over, or records after the head.</item>
    /// </list>
    /// </summary>
    public static AuditVerification Verify(IReadOnlyList<AuditRecord> records, AuditHead? head = null)
    {
        var present = records.Select(r => r.Sequence).ToHashSet();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var position = i + 1;
            if (ComputeHash(record) != record.Hash)
                return Broken(AuditBreakKind.Altered, record, position,
                    $"Record {record.Sequence} was altered: its content does not match its hash.");

            var expected = i == 0 ? 1 : records[i - 1].Sequence + 1;
            if (i > 0 && record.Sequence == records[i - 1].Sequence)
                return Broken(AuditBreakKind.Inserted, record, position,
                    $"Record {record.Sequence} appears twice: the second one was inserted.");
            if (record.Sequence < expected)
                return Broken(AuditBreakKind.Reordered, record, position,
                    $"Record {record.Sequence} comes after record {records[i - 1].Sequence}: records are out of order.");
            if (record.Sequence > expected)
            {
                if (present.Contains(expected))
                    return Broken(AuditBreakKind.Reordered, record, position,
                        $"Record {record.Sequence} comes before record {expected}: records are out of order.");
                var missing = expected == record.Sequence - 1 ? $"Record {expected} is" : $"Records {expected} to {record.Sequence - 1} are";
                return Broken(AuditBreakKind.Missing, record, position, $"{missing} missing (deleted) before record {record.Sequence}.");
            }

            var expectedPrevious = i == 0 ? GenesisHash : records[i - 1].Hash;
            if (record.PreviousHash == expectedPrevious)
                continue;
            if (i == 0)
                return Broken(AuditBreakKind.Altered, record, position,
                    $"Record {record.Sequence} does not start the chain: it was rewritten with a recomputed hash.");
            if (i >= 2 && record.PreviousHash == records[i - 2].Hash)
                return Broken(AuditBreakKind.Inserted, records[i - 1], i,
                    $"Record {records[i - 1].Sequence} was inserted: record {record.Sequence} chains to the record before it.");
            return Broken(AuditBreakKind.Altered, records[i - 1], i,
                $"Record {records[i - 1].Sequence} was rewritten with a recomputed hash: record {record.Sequence} names another hash for it.");
        }

        if (head is not null)
        {
            var last = records.Count == 0 ? null : records[^1];
            var lastSequence = last?.Sequence ?? 0;
            if (head.Sequence > lastSequence)
            {
                var missing = head.Sequence == lastSequence + 1 ? $"Record {head.Sequence} is" : $"Records {lastSequence + 1} to {head.Sequence} are";
                return new AuditVerification(records.Count, new AuditBreak(AuditBreakKind.Missing, lastSequence + 1, records.Count + 1,
                    $"{missing} missing (deleted) at the end: the chain head names record {head.Sequence}."));
            }
            if (head.Sequence < lastSequence)
            {
                var index = records.Count - 1;
                while (index > 0 && records[index - 1].Sequence > head.Sequence) index--;
                return Broken(AuditBreakKind.Inserted, records[index], index + 1,
                    $"Record {records[index].Sequence} was inserted after the chain head (record {head.Sequence}).");
            }
            if (last is not null && head.Hash != last.Hash)
                return Broken(AuditBreakKind.Altered, last, records.Count,
                    $"Record {last.Sequence} was rewritten with a recomputed hash: the chain head names another hash for it.");
        }
        return new AuditVerification(records.Count, null);

        AuditVerification Broken(AuditBreakKind kind, AuditRecord record, int position, string message) =>
            new(records.Count, new AuditBreak(kind, record.Sequence, position, message));
    }

    private static void Member(IBufferWriter<byte> output, string name, string? value)
    {
        CanonicalJson.Raw(output, ",\"" + name + "\":");
        if (value is null) CanonicalJson.Raw(output, "null");
        else CanonicalJson.WriteString(output, value);
    }
}
