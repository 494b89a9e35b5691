using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RpsServerless.Core.Audit;

/// <summary>
/// The audit trail as JSON Lines (<c>GET /api/audit/export</c>, read by <c>rps audit verify</c>), UTF-8, one JSON
/// object per line, <c>\n</c> after each line:
/// <list type="number">
/// <item>a header: <c>{"format":"natars-audit-chain/1","exportedAt":"…Z","headSequence":N,"headHash":"…"}</c> — the
/// chain head when the export began;</item>
/// <item>records 1 to N in sequence order, each its canonical bytes (<see cref="AuditChain.CanonicalBytes"/>) with
/// <c>,"hash":"…"</c> added before the closing brace.</item>
/// </list>
/// Readers accept the members of a record line in any order and with whitespace, but no member may be missing or
/// unknown: the hash is recomputed from the values, not from the line's text.
/// </summary>
public static class AuditExport
{
    public const string Format = "natars-audit-chain/1";
    public const string MediaType = "application/jsonl";

    public static string Header(AuditHead head, DateTimeOffset exportedAt) =>
        "{\"format\":\"" + Format + "\",\"exportedAt\":\"" + AuditChain.FormatInstant(exportedAt) +
        "\",\"headSequence\":" + head.Sequence.ToString(CultureInfo.InvariantCulture) + ",\"headHash\":\"" + head.Hash + "\"}";

    public static string Line(AuditRecord record)
    {
        var canonical = Encoding.UTF8.GetString(AuditChain.CanonicalBytes(record));
        return canonical[..^1] + ",\"hash\":\"" + record.Hash + "\"}";
    }

    /// <summary>
    /// Verifies an export. A file that is not an export at all (no header) gives a <paramref name="formatError"/>;
    /// a record line that cannot be read counts as an altered record at that position.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<string> lines, out string? formatError)
    {
        formatError = null;
        using var enumerator = lines.Where(line => line.Length > 0).GetEnumerator();
        if (!enumerator.MoveNext() || !TryReadHeader(enumerator.Current, out var head))
        {
            formatError = $"The first line is not a {Format} header.";
            return new AuditVerification(0, null);
        }

        var records = new List<AuditRecord>();
        while (enumerator.MoveNext())
        {
            if (TryReadRecord(enumerator.Current, out var record, out var sequence))
            {
                records.Add(record!);
                continue;
            }
            var prefix = AuditChain.Verify(records);
            if (!prefix.IsIntact) return prefix;
            return new AuditVerification(records.Count + 1, new AuditBreak(AuditBreakKind.Altered, sequence ?? 0, records.Count + 1,
                $"Record {(sequence?.ToString(CultureInfo.InvariantCulture) ?? "at line " + (records.Count + 2).ToString(CultureInfo.InvariantCulture))} was altered: the line is not a readable audit record."));
        }
        return AuditChain.Verify(records, head);
    }

    internal static bool TryReadHeader(string line, out AuditHead head)
    {
        head = AuditHead.Empty;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format ||
                !root.TryGetProperty("headSequence", out var sequence) || !sequence.TryGetInt64(out var headSequence) || headSequence < 0 ||
                !root.TryGetProperty("headHash", out var hash) || hash.ValueKind != JsonValueKind.String || !AuditChain.IsHash(hash.GetString()!))
                return false;
            head = new AuditHead(headSequence, hash.GetString()!);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static bool TryReadRecord(string line, out AuditRecord? record, out long? sequence)
    {
        record = null;
        sequence = null;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return false;
            if (root.TryGetProperty("sequence", out var s) && s.TryGetInt64(out var n)) sequence = n;

            var names = root.EnumerateObject().Select(p => p.Name).ToList();
            var expected = AuditChain.FieldNames.Append("hash").ToList();
            if (names.Count != expected.Count || names.Distinct(StringComparer.Ordinal).Count() != names.Count ||
                !expected.All(names.Contains))
                return false;
            if (sequence is not { } seq || seq < 1) return false;
            if (!DateTimeOffset.TryParseExact(Text(root, "recordedAt"), "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var recordedAt))
                return false;
            var required = new[] { "actorId", "actorRole", "action", "entityType", "entityId", "previousHash", "hash" };
            if (required.Any(name => root.GetProperty(name).ValueKind != JsonValueKind.String)) return false;
            var optional = new[] { "siteId", "beforeHash", "afterHash", "reason", "requestId", "protocolVersion" };
            if (optional.Any(name => root.GetProperty(name).ValueKind is not (JsonValueKind.String or JsonValueKind.Null))) return false;

            record = new AuditRecord(seq, recordedAt, Text(root, "actorId")!, Text(root, "actorRole")!, Text(root, "action")!,
                Text(root, "entityType")!, Text(root, "entityId")!, Text(root, "siteId"), Text(root, "beforeHash"),
                Text(root, "afterHash"), Text(root, "reason"), Text(root, "requestId"), Text(root, "protocolVersion"),
                Text(root, "previousHash")!, Text(root, "hash")!);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement root, string name)
    {
        var value = root.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
